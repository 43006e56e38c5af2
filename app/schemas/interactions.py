"""Interaction logs as API clients send them, and as the API returns them."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from app.models.enums import InteractionKind
from app.schemas.common import Id, Text

ShortText = Text(300, min_length=1)
# Normalised to UTC on the way in: the same instant sent with another offset is the same content.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda value: value.astimezone(UTC))]
TopicName = Text(100, min_length=1)
KindName = Literal[tuple(kind.value for kind in InteractionKind)]  # type: ignore[valid-type]


class ParticipantIn(TypedDict, total=False):
    """Exactly one identity: ``person_id``, ``email``, ``ref`` (the client's own person id, per
    source), ``name`` (+ optional ``institution_siren``/``institution_id`` and ``title``: the
    person is created when not known), or an institution alone (``institution_id`` or
    ``institution_siren``) when only the body is known. ``role``: organiser or attendee (for a
    ``name``, any other value is taken as the person's title in the institution)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    person_id: Id
    email: Text(320, min_length=3)
    ref: Text(200, min_length=1)
    name: Text(200, min_length=1)
    institution_id: Id
    institution_siren: Text(11, min_length=9)
    role: Text(200, min_length=1)
    title: Text(200, min_length=1)


class InteractionIn(BaseModel):
    """One interaction log item. ``(source, external_id)`` is its idempotency key."""

    model_config = ConfigDict(extra="forbid")

    external_id: Text(200, min_length=1)
    source: Text(100, min_length=1) | None = Field(
        default=None, description="Defaults to the token's name."
    )
    occurred_at: UtcDatetime = Field(description="ISO 8601 with an offset; stored in UTC.")
    kind: KindName
    formal: bool | None = Field(default=None, description="Defaults to false for informal and office_hours.")
    title: ShortText
    summary: Text(10_000, strip=False) | None = None
    location: Text(300) | None = None
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

    occurred_at: UtcDatetime | None = None
    kind: KindName | None = None
    formal: bool | None = None
    title: ShortText | None = None
    summary: Text(10_000, strip=False) | None = None
    location: Text(300) | None = None
    topics: Annotated[list[TopicName], Field(max_length=30)] | None = None
    participants: Annotated[list[ParticipantIn], Field(min_length=1, max_length=500)] | None = None
