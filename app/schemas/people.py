"""People (acteurs) and their affiliations (fonctions, mandats), as the API takes and returns them."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from app.errors import Invalid
from app.models.enums import InteractionKind, RoleCategory
from app.schemas.institutions import NO_CONTROL, Id
from app.services.users import normalize_email
from app.siren import normalize_siren

FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL)]
Notes = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_CONTROL)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320, pattern=NO_CONTROL)]
Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_CONTROL)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL)]


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_email(value)
    except Invalid as error:
        raise PydanticCustomError("email", error.message) from None


def _end_after_start(value: date | None, info) -> date | None:
    start = info.data.get("start")
    if value is not None and start is not None and value < start:
        raise PydanticCustomError("date_order", "end must not be before start")
    return value


class AffiliationCreate(BaseModel):
    """A role in an institution. Name the institution by exactly one of ``institution_id``,
    ``institution_siren`` or ``institution_insee_code`` (a commune's COG code)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "institution_siren": "200035855", "role_category": "executive", "title": "DGS", "start": "2024-09-01",
    }})

    institution_id: Id | None = None
    institution_siren: Annotated[str, StringConstraints(max_length=20)] | None = None
    institution_insee_code: Annotated[str, StringConstraints(max_length=10)] | None = None
    role_category: RoleCategory
    title: Title = Field(description='e.g. "Maire", "Président", "DGS", "Chargée de mission mobilité".')
    start: date | None = None
    end: date | None = Field(default=None, description="Not before start.")

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, value: date | None, info) -> date | None:
        return _end_after_start(value, info)

    @field_validator("institution_siren")
    @classmethod
    def _siren(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalize_siren(value)
        except Invalid as error:
            raise PydanticCustomError("siren", error.message) from None


class AffiliationUpdate(BaseModel):
    """Change a role: typically its ``end`` when a mandate or a post ends. Omitted fields are kept."""

    model_config = ConfigDict(extra="forbid")

    role_category: RoleCategory | None = None
    title: Title | None = None
    start: date | None = None
    end: date | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, value: date | None, info) -> date | None:
        return _end_after_start(value, info)

    @field_validator("role_category", "title")
    @classmethod
    def _not_null(cls, value: Any, info) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", f"{info.field_name} cannot be null")
        return value


class AffiliationRead(BaseModel):
    id: int
    institution_id: int
    institution_name: str
    role_category: str
    title: str
    start: date | None
    end: date | None

    @classmethod
    def of(cls, affiliation: Any, names: Mapping[int, str]) -> "AffiliationRead":
        return cls(
            id=affiliation.id, institution_id=affiliation.institution_id,
            institution_name=names.get(affiliation.institution_id, ""), role_category=affiliation.role_category,
            title=affiliation.title, start=affiliation.start, end=affiliation.end,
        )


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "full_name": "Camille Exemple", "email": "camille.exemple@cc.example", "ref": "crm-4412",
        "affiliations": [{"institution_siren": "200035855", "role_category": "executive", "title": "DGS"}],
    }})

    full_name: FullName
    email: Email | None = Field(default=None, description="Stored lower-case; unique in the workspace.")
    notes: Notes | None = None
    is_public_figure: bool = Field(default=False, description="True for élus: their mandates are public.")
    ref: Ref | None = Field(
        default=None, description="The client's own id for this person, unique per source: interaction "
        "logs can then name the person as `{\"ref\": …}`."
    )
    source: Source | None = Field(default=None, description="The system `ref` belongs to; defaults to the token's name.")
    affiliations: Annotated[list[AffiliationCreate], Field(max_length=50)] = []

    @field_validator("email")
    @classmethod
    def _normalize_email(cls, value: str | None) -> str | None:
        return _email(value)


class PersonUpdate(BaseModel):
    """Omitted fields are kept; ``email`` or ``notes`` set to null are cleared."""

    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = None
    email: Email | None = None
    notes: Notes | None = None
    is_public_figure: bool | None = None

    @field_validator("email")
    @classmethod
    def _normalize_email(cls, value: str | None) -> str | None:
        return _email(value)

    @field_validator("full_name", "is_public_figure")
    @classmethod
    def _not_null(cls, value: Any, info) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", f"{info.field_name} cannot be null")
        return value


class PersonRefRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: str
    ref: str


class PersonRead(BaseModel):
    id: int
    full_name: str
    email: str | None
    notes: str | None
    is_public_figure: bool
    refs: list[PersonRefRead]
    affiliations: list[AffiliationRead]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, person: Any, names: Mapping[int, str]) -> "PersonRead":
        return cls(
            id=person.id, full_name=person.full_name, email=person.email, notes=person.notes,
            is_public_figure=person.is_public_figure,
            refs=[PersonRefRead.model_validate(r) for r in sorted(person.refs, key=lambda r: (r.source, r.ref))],
            affiliations=[AffiliationRead.of(a, names) for a in sorted(person.affiliations, key=lambda a: a.id)],
            created_at=person.created_at, updated_at=person.updated_at,
        )


# --- data-subject access export ------------------------------------------------------------

class ExportedPerson(BaseModel):
    id: int
    full_name: str
    email: str | None
    notes: str | None
    is_public_figure: bool
    created_at: datetime
    updated_at: datetime


class ExportedAffiliation(AffiliationRead):
    source: str | None
    created_at: datetime
    updated_at: datetime


class ExportedParticipants(BaseModel):
    people: list[int] = Field(description="Ids of the other people who took part.")
    institutions: list[int] = Field(description="Ids of institutions that took part as bodies.")


class ExportedInteraction(BaseModel):
    id: int
    occurred_at: datetime
    kind: InteractionKind
    formal: bool
    title: str
    summary: str | None
    location: str | None
    topics: list[str]
    source: str
    external_id: str
    role: str | None = Field(description="The person's role in it (organiser, attendee), if known.")
    other_participants: ExportedParticipants


class ExportedAuditEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: int | None
    details: dict[str, Any] | None


class PersonExport(BaseModel):
    """Everything Maillage holds about one person (data-subject access, RGPD art. 15)."""

    exported_at: datetime
    workspace: str = Field(description="The workspace's slug.")
    person: ExportedPerson
    refs: list[PersonRefRead]
    affiliations: list[ExportedAffiliation]
    interactions: list[ExportedInteraction]
    audit: list[ExportedAuditEntry] = Field(description="Changes recorded about the person.")
