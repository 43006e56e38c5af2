"""Interaction logs: pushed by API clients (single, batch, NDJSON stream), read back, edited."""

from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter, ValidationError

from app.api.deps import CurrentWorkspace, IngestToken, ReadToken, SessionDep, actor_of
from app.api.errors import validation_errors
from app.errors import Invalid, TooLarge
from app.models.enums import InteractionKind
from app.schemas.common import MAX_ID, Page, Pagination, pagination
from app.schemas.interactions import BatchIn, BatchResult, InteractionIn, InteractionRead, InteractionUpdate
from app.services import interaction_queries
from app.services.ingest import BatchOutcome, ingest_interactions
from app.settings import get_settings
from graph.gcpause import gc_paused

router = APIRouter(prefix="/interactions", tags=["interactions"])

InteractionId = Annotated[int, Path(ge=1, le=MAX_ID)]

_item_adapter = TypeAdapter(InteractionIn)

BATCH_EXAMPLE = {
    "items": [
        {
            "external_id": "agenda-2026-0142",
            "occurred_at": "2026-10-06T12:30:00+02:00",
            "kind": "informal",
            "title": "Déjeuner avec la DGS de la CC",
            "topics": ["mobilité"],
            "participants": [
                {"email": "directrice@petr.example", "role": "organiser"},
                {"name": "Camille Exemple", "institution_siren": "200035855", "role": "DGS"},
            ],
        }
    ]
}


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"request body over {limit:,} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise TooLarge(f"request body over {limit:,} bytes")
    return bytes(body)


def _parse_batch(body: bytes) -> BatchIn:
    try:
        return BatchIn.model_validate_json(body)
    except ValidationError as error:
        errors = validation_errors(list(error.errors()), skip=())
        raise Invalid(f"{len({e.get('index') for e in errors})} items are invalid; nothing was written",
                      details=errors) from None


def _result_response(outcome: BatchOutcome) -> Response:
    """The batch result, serialised once (a 5,000-id response model would be validated again)."""
    body = {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
            "ids": outcome.ids}
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/batch",
    response_model=BatchResult,
    summary="Create or update many interactions, all or nothing",
    description="Validates every item first: one bad item → 422 with every error as "
    "`{index, field, message}` and nothing written. `(source, external_id)` is the idempotency key: "
    "replaying a batch changes nothing (`unchanged`), a changed item is `updated`. "
    "At most `MAILLAGE_MAX_BATCH_ITEMS` items and `MAILLAGE_MAX_BODY_BYTES` bytes (413 beyond).",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": BatchIn.model_json_schema(ref_template="#/components/schemas/{model}"),
        "example": BATCH_EXAMPLE}}}},
)
async def ingest_batch(
    request: Request, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken
) -> BatchResult:
    settings = get_settings()
    body = await _read_body(request, settings.max_body_bytes)
    # Thousands of small objects, none in a cycle: the cyclic collector would only walk them.
    with gc_paused():
        batch = _parse_batch(body)
    if len(batch.items) > settings.max_batch_items:
        raise TooLarge(f"{len(batch.items):,} items: a batch holds at most {settings.max_batch_items:,} "
                       "(split it, or use /interactions/stream)")
    outcome = await run_in_threadpool(_ingest_without_gc, session, workspace, batch.items, token)
    return _result_response(outcome)


def _ingest_without_gc(session, workspace, items, token) -> BatchOutcome:
    with gc_paused():
        return ingest_interactions(session, workspace=workspace, items=items, default_source=token.name,
                                   actor=actor_of(token))


@router.post(
    "/stream",
    response_model=BatchResult,
    summary="Create or update a large load sent as NDJSON, all or nothing",
    description="One JSON item per line (`application/x-ndjson`), same shape as a batch item. "
    "Processed in chunks as it arrives, in one transaction: one bad line → 422 (index = line "
    "number from 0) and nothing written.",
    openapi_extra={"requestBody": {"required": True, "content": {"application/x-ndjson": {
        "schema": {"type": "string"}}}}},
)
async def ingest_stream(
    request: Request, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken
) -> BatchResult:
    settings = get_settings()
    chunk_size = settings.max_batch_items
    total = BatchOutcome()
    pending: list[InteractionIn] = []
    errors: list[dict] = []
    line_number = 0
    received = 0
    buffer = b""

    async def flush() -> None:
        nonlocal pending
        if pending and not errors:
            try:
                outcome = await run_in_threadpool(
                    ingest_interactions, session, workspace=workspace, items=pending, default_source=token.name,
                    actor=actor_of(token), index_offset=line_number - len(pending),
                )
                total.add(outcome)
            except Invalid as error:
                errors.extend(error.details or [])
        pending = []

    def take(line: bytes) -> None:
        nonlocal line_number
        if line.strip():
            try:
                pending.append(_item_adapter.validate_json(line))
            except ValidationError as error:
                for entry in validation_errors(list(error.errors()), skip=()):
                    errors.append({"index": line_number, **entry})
        line_number += 1

    async for chunk in request.stream():
        received += len(chunk)
        if received > settings.max_stream_bytes:
            raise TooLarge(f"stream over {settings.max_stream_bytes:,} bytes")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            take(line)
            if len(pending) >= chunk_size:
                await flush()
    take(buffer)
    await flush()
    if errors:
        raise Invalid(f"{len({e['index'] for e in errors})} lines are invalid; nothing was written",
                      details=errors[:1000])
    return _result_response(total)


@router.post("", response_model=BatchResult, summary="Create or update one interaction")
def ingest_one(item: InteractionIn, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken,
               response: Response) -> BatchResult:
    outcome = ingest_interactions(session, workspace=workspace, items=[item], default_source=token.name,
                                  actor=actor_of(token))
    if outcome.created:
        response.status_code = status.HTTP_201_CREATED
    return BatchResult(created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged, ids=outcome.ids)


@router.get("", response_model=Page[InteractionRead], summary="List interactions, newest first")
def list_interactions(
    session: SessionDep,
    workspace: CurrentWorkspace,
    _token: ReadToken,
    page: Annotated[Pagination, Depends(pagination)],
    since: Annotated[datetime | None, Query(description="From this instant (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Before this instant (exclusive).")] = None,
    person_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    institution_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: InteractionKind | None = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    source: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[InteractionRead]:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(f"{name} needs a timezone offset (e.g. 2026-01-01T00:00:00+01:00)",
                          details=[{"field": name, "message": "timezone offset required"}])
    items, total = interaction_queries.list_interactions(
        session, workspace=workspace, limit=page.limit, offset=page.offset, since=since, until=until,
        person_id=person_id, institution_id=institution_id, kind=kind.value if kind else None, topic=topic,
        source=source,
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{interaction_id}", response_model=InteractionRead, summary="One interaction")
def get_interaction(interaction_id: InteractionId, session: SessionDep, workspace: CurrentWorkspace,
                    _token: ReadToken) -> InteractionRead:
    return interaction_queries.to_read(
        interaction_queries.get_interaction(session, workspace=workspace, interaction_id=interaction_id)
    )


@router.patch("/{interaction_id}", response_model=InteractionRead, summary="Edit an interaction")
def update_interaction(interaction_id: InteractionId, changes: InteractionUpdate, session: SessionDep,
                       workspace: CurrentWorkspace, token: IngestToken) -> InteractionRead:
    updated = interaction_queries.update_interaction(
        session, workspace=workspace, interaction_id=interaction_id, changes=changes, actor=actor_of(token)
    )
    return interaction_queries.to_read(updated)


@router.delete("/{interaction_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an interaction")
def delete_interaction(interaction_id: InteractionId, session: SessionDep, workspace: CurrentWorkspace,
                       token: IngestToken) -> Response:
    interaction_queries.delete_interaction(session, workspace=workspace, interaction_id=interaction_id,
                                           actor=actor_of(token))
    return Response(status_code=status.HTTP_204_NO_CONTENT)

