"""Institutions (structures) and their memberships, as the API takes and returns them."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from app.errors import Invalid
from app.models.enums import InstitutionKind
from app.services.institutions import (
    normalize_departement_code,
    normalize_insee_code,
    normalize_region_code,
)
from app.siren import normalize_siren

# Ids are 32-bit integers in the database: larger values can name nothing.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# Free text never holds NUL (PostgreSQL refuses it) nor other control characters but tab and newlines.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def _domain(normalize, value: Any) -> Any:
    """Run a domain normaliser inside a validator: its :class:`Invalid` becomes a field error."""
    if value is None:
        return None
    try:
        return normalize(value)
    except Invalid as error:
        raise PydanticCustomError("invalid", error.message) from None


def siren_query(value: str | None) -> str | None:
    """A SIREN in a query string: spaces allowed, Luhn-checked."""
    return _domain(normalize_siren, value)


def insee_code_query(value: str | None) -> str | None:
    return _domain(normalize_insee_code, value)


class InstitutionCreate(BaseModel):
    """A workspace-local institution (a State service, an association, a chamber…)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "name": "Chambre d'agriculture de l'Aude", "kind": "other", "subtype": "chambre_agriculture",
        "departement_code": "11", "region_code": "76", "member_of": [],
    }})

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NO_CONTROL)]
    kind: InstitutionKind
    subtype: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=NO_CONTROL)] | None = None
    siren: str | None = Field(default=None, max_length=20, description="9 digits, Luhn-valid; unique.")
    insee_code: str | None = Field(default=None, max_length=10, description="COG code (commune, département, région).")
    departement_code: str | None = Field(default=None, max_length=10)
    region_code: str | None = Field(default=None, max_length=10)
    population: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None
    member_of: Annotated[list[Id], Field(max_length=100)] = Field(
        default=[], description="Ids of visible institutions this one belongs to (e.g. the PETR)."
    )

    @field_validator("siren", "insee_code", "departement_code", "region_code")
    @classmethod
    def _codes(cls, value: str | None, info) -> str | None:
        if value is None or not value.strip():
            return None
        return _domain(_NORMALIZERS[info.field_name], value)


_NORMALIZERS = {
    "siren": normalize_siren,
    "insee_code": normalize_insee_code,
    "departement_code": normalize_departement_code,
    "region_code": normalize_region_code,
}


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    subtype: str | None
    siren: str | None
    insee_code: str | None
    departement_code: str | None
    region_code: str | None
    population: int | None
    workspace_local: bool = Field(description="True for the workspace's own institutions, false for the referential.")

    @classmethod
    def of(cls, institution: Any) -> "InstitutionRead":
        return cls(
            id=institution.id, name=institution.name, kind=institution.kind, subtype=institution.subtype,
            siren=institution.siren, insee_code=institution.insee_code,
            departement_code=institution.departement_code, region_code=institution.region_code,
            population=institution.population, workspace_local=institution.workspace_id is not None,
        )


class MembershipCreate(BaseModel):
    """``{id}`` (in the path) belongs to ``group_id`` from ``valid_from`` to ``valid_to``."""

    model_config = ConfigDict(extra="forbid")

    group_id: Id
    valid_from: date | None = None
    valid_to: date | None = None

    @field_validator("valid_to")
    @classmethod
    def _not_before_start(cls, value: date | None, info) -> date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise PydanticCustomError("date_order", "valid_to must not be before valid_from")
        return value


class MembershipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    group_id: int
    valid_from: date | None
    valid_to: date | None
    workspace_local: bool

    @classmethod
    def of(cls, membership: Any) -> "MembershipRead":
        return cls(
            id=membership.id, member_id=membership.member_id, group_id=membership.group_id,
            valid_from=membership.valid_from, valid_to=membership.valid_to,
            workspace_local=membership.workspace_id is not None,
        )


class MemberRead(InstitutionRead):
    """A member institution, with the membership that makes it one."""

    membership: MembershipRead
