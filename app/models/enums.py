"""Closed vocabularies of the data model, stored as short strings with CHECK constraints."""

from enum import StrEnum


class InstitutionKind(StrEnum):
    STATE_CENTRAL = "state_central"
    STATE_SERVICE = "state_service"
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    PETR = "petr"
    PNR = "pnr"
    SYNDICAT = "syndicat"
    COMMUNE = "commune"
    OTHER = "other"


class RoleCategory(StrEnum):
    ELECTED = "elected"
    EXECUTIVE = "executive"
    TECHNICAL = "technical"
    OTHER = "other"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    INFORMAL = "informal"
    CALL = "call"
    EMAIL = "email"
    OFFICE_HOURS = "office_hours"
    EVENT = "event"
    VISIT = "visit"
    OTHER = "other"


# Kinds that are informal unless the client says otherwise (a coffee, an élus' office hour).
INFORMAL_BY_DEFAULT = frozenset({InteractionKind.INFORMAL, InteractionKind.OFFICE_HOURS})


class ParticipationRole(StrEnum):
    ORGANISER = "organiser"
    ATTENDEE = "attendee"


class UserRole(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


class TokenScope(StrEnum):
    READ = "read"
    INGEST = "ingest"
    ADMIN = "admin"


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL for a CHECK constraint keeping ``column`` inside ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"
