"""Fixtures of the import tests: a territory, the real RNE extracts, and helpers to count rows."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Workspace
from app.services.territory import create_territory

DATA = Path(__file__).parent / "data"
# Real extracts of the RNE release of 30/11/2023 (Licence Ouverte), as published: ',' and UTF-8.
CD_FILE = DATA / "rne_conseillers_departementaux_extrait_05_31_32_33.csv"
CR_FILE = DATA / "rne_conseillers_regionaux_extrait_occitanie_naq_paca.csv"

TERRES_DU_LAURAGAIS = "200071298"  # CC des Terres du Lauragais, in Haute-Garonne (31), Occitanie (76)


@pytest.fixture
def lauragais(db) -> Workspace:
    """A workspace whose territory is one EPCI of Haute-Garonne: its 58 communes, the
    département of Haute-Garonne and the région Occitanie."""
    return create_territory(db, workspace_slug="lauragais", name="PETR du Pays Lauragais",
                            epci_sirens=[TERRES_DU_LAURAGAIS]).workspace


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0
