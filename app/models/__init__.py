"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from app.models.audit import AuditEntry
from app.models.auth import ApiToken, User
from app.models.base import Base
from app.models.institution import Institution, InstitutionMembership
from app.models.interaction import Interaction, Participation, Topic, interaction_topics
from app.models.person import Affiliation, Person, PersonRef
from app.models.system import AnalysisCache, InstanceSetting
from app.models.workspace import ExpectedLiaison, Workspace

__all__ = [
    "Affiliation",
    "AnalysisCache",
    "ApiToken",
    "AuditEntry",
    "Base",
    "ExpectedLiaison",
    "InstanceSetting",
    "Institution",
    "InstitutionMembership",
    "Interaction",
    "Participation",
    "Person",
    "PersonRef",
    "Topic",
    "User",
    "Workspace",
    "interaction_topics",
]
