"""Interaction logs as API clients send them, and as the API returns them."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import TypedDict

from app.models.enums import InteractionKind

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
TopicName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
KindName = Literal[tuple(kind.value for kind in InteractionKind)]  # type: ignore[valid-type]


class ParticipantIn(TypedDict, total=False):
    """Exactly one identity: ``person_id``, ``email``, ``ref`` (the client's own person id, per
    source), ``name`` (+ optional ``institution_siren``/``institution_id`` and ``title``: the
    person is created when not known), or an institution alone (``institution_id`` or
    ``institution_siren``) when only the body is known. ``role``: organiser or attendee (for a
    ``name``, any other value is taken as the person's title in the institution)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    person_id: Annotated[int, Field(ge=1)]
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    institution_id: Annotated[int, Field(ge=1)]
    institution_siren: Annotated[str, StringConstraints(strip_whitespace=True, min_length=9, max_length=11)]
    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class InteractionIn(BaseModel):
    """One interaction log item. ``(source, external_id)`` is its idempotency key."""

    model_config = ConfigDict(extra="forbid")

    external_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = Field(
        default=None, description="Defaults to the token's name."
    )
    occurred_at: AwareDatetime = Field(description="ISO 8601 with an offset; stored in UTC.")
    kind: KindName
    formal: bool | None = Field(default=None, description="Defaults to false for informal and office_hours.")
    title: ShortText
    summary: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    location: Annotated[str, StringConstraints(max_length=300)] | None = None
    topics: Annotated[list[TopicName], Field(max_length=30)] = []
    participants: Annotated[list[ParticipantIn], Field(min_length=1, max_length=500)]


class BatchIn(BaseModel):
    items: list[InteractionIn]


class BatchResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    ids: list[int] = Field(description="The interactions' ids, in the order of the items.")


class ParticipantRead(BaseModel):
    person_id: int | None
    institution_id: int | None
    role: str | None


class InteractionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str
    source: str
    occurred_at: datetime
    kind: str
    formal: bool
    title: str
    summary: str | None
    location: str | None
    topics: list[str]
    participants: list[ParticipantRead]
    created_at: datetime
    updated_at: datetime
    created_by: str | None


class InteractionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_at: AwareDatetime | None = None
    kind: KindName | None = None
    formal: bool | None = None
    title: ShortText | None = None
    summary: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    location: Annotated[str, StringConstraints(max_length=300)] | None = None
    topics: Annotated[list[TopicName], Field(max_length=30)] | None = None
    participants: Annotated[list[ParticipantIn], Field(min_length=1, max_length=500)] | None = None
