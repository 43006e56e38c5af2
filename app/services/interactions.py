"""Interactions (échanges): content hashing for idempotent ingestion."""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson


def content_hash(
    *,
    occurred_at: datetime,
    kind: str,
    formal: bool,
    title: str,
    summary: str | None,
    location: str | None,
    topics: Iterable[str],
    participants: Iterable[Mapping[str, Any]],
) -> str:
    """A digest of what a client sent for one interaction.

    Replaying the same item gives the same digest ("unchanged"); any change of content gives
    another ("updated"). Topics and participants are order-insensitive.
    """
    document = {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "kind": kind,
        "formal": formal,
        "title": title,
        "summary": summary,
        "location": location,
        "topics": sorted(set(topics)),
        "participants": sorted(sorted((str(k), str(v)) for k, v in p.items()) for p in participants),
    }
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()
