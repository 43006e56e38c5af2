"""The schema comes only from Alembic migrations, and the models never drift from them."""

from alembic import command
from sqlalchemy import create_engine, inspect

from app.database import create_db_engine
from app.schema import alembic_config, current_revision, head_revision, upgrade


def test_migrated_database_matches_the_models(database_url):
    # `alembic check` fails when autogenerate would write a migration: models and
    # migrations describe the same schema.
    command.check(alembic_config(database_url))


def test_database_is_at_head(engine, database_url):
    assert current_revision(engine) == head_revision(database_url)


def test_downgrade_to_base_and_upgrade_again(backend, fresh_database_url):
    url = fresh_database_url(backend)
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)
    engine = create_db_engine(url)
    assert {"workspaces", "institutions", "interactions", "participations"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_constraints_are_named(engine):
    inspector = inspect(engine)
    for table in ("interactions", "participations", "institutions"):
        for unique in inspector.get_unique_constraints(table):
            assert unique["name"].startswith("uq_"), unique
        for foreign_key in inspector.get_foreign_keys(table):
            assert foreign_key["name"].startswith("fk_"), foreign_key


def test_idempotency_key_and_hot_indexes_exist(engine):
    inspector = inspect(engine)
    uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("interactions")}
    assert ("workspace_id", "source", "external_id") in uniques
    interaction_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("interactions")}
    assert ("workspace_id", "occurred_at") in interaction_indexes
    participation_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("participations")}
    assert ("person_id", "interaction_id") in participation_indexes
