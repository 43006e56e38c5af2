"""Ingestion by two writers at once: a person named in both is created once.

Run on each backend with two real connections to a fresh database: the first writer creates
the person and holds its transaction open; the second, started meanwhile, must wait for it and
then find that person instead of creating another one.
"""

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import create_db_engine, transaction
from app.models import Person, Workspace
from app.schema import upgrade
from app.schemas.interactions import InteractionIn
from app.services.ingest import ingest_interactions
from app.services.workspaces import create_workspace


def named_item(external_id: str) -> InteractionIn:
    return InteractionIn.model_validate({
        "external_id": external_id, "occurred_at": "2026-10-06T12:30:00+02:00", "kind": "informal",
        "title": "Café", "participants": [{"name": "Camille  Nouvelle"}, {"name": "Dominique Autre"}],
    })


@pytest.fixture
def fresh_engine(backend, fresh_database_url):
    url = fresh_database_url(backend)
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(engine) as session:
        create_workspace(session, slug="w")
    yield engine
    engine.dispose()


def test_two_writers_naming_the_same_new_person_create_it_once(fresh_engine):
    first = Session(fresh_engine)
    workspace = first.scalars(select(Workspace)).one()
    ingest_interactions(first, workspace=workspace, items=[named_item("a")], default_source="crm", actor="first")
    first.flush()  # the first writer has created both people and holds its transaction open

    outcome: dict[str, object] = {}

    def second_writer() -> None:
        try:
            with transaction(fresh_engine) as session:
                other = session.scalars(select(Workspace)).one()
                outcome["result"] = ingest_interactions(session, workspace=other, items=[named_item("b")],
                                                        default_source="agenda", actor="second")
        except BaseException as error:  # reported by the main thread
            outcome["error"] = error

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(1.0)  # the second writer is now waiting for the first (lock or BEGIN IMMEDIATE)
    assert thread.is_alive()
    first.commit()
    first.close()
    thread.join(timeout=60)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].created == 1
    with Session(fresh_engine) as session:
        names = session.execute(select(Person.full_name, func.count()).group_by(Person.full_name)).all()
    assert sorted(names) == [("Camille  Nouvelle", 1), ("Dominique Autre", 1)]
