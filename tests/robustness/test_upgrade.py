"""A database created by the first migration, with data in every table, upgraded to head.

Rows are written with plain SQL in the shape of the first revision (not with today's models),
then ``upgrade head`` runs: every row is still there with the same values in the columns the
first revision had, and today's code reads the data. Written to hold whatever the number of
revisions between the first and head.
"""

from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text

from app.database import create_db_engine, is_sqlite, transaction
from app.models import Workspace
from app.schema import alembic_config, current_revision, head_revision, upgrade
from app.security import hash_token
from app.services.analysis import full_analysis
from app.services.ingest import count_interactions
from app.services.tokens import authenticate_token
from tests.robustness.helpers import table_fingerprints

pytestmark = pytest.mark.slow

TOKEN = "mlg_upgrade-test-token-0123456789"


def first_revision(url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(url)).get_base()


def seed_first_revision(url: str) -> None:
    """One or more rows in every table of revision 0001, with plain SQL."""
    sqlite = is_sqlite(url)

    def ts(year: int, month: int, day: int, hour: int = 9) -> str:
        value = datetime(year, month, day, hour, 30, tzinfo=UTC)
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") if sqlite \
            else value.isoformat(sep=" ")

    now = ts(2025, 1, 15)
    statements = [
        ("INSERT INTO instance_settings (key, value) VALUES ('secret_key', 'k3y-from-0001')", {}),
        ("INSERT INTO workspaces (id, slug, name, body_id, settings, data_version, updated_at, created_at) "
         "VALUES (1, 'pays-test', 'Pays test', NULL, :settings, 3, :now, :now)",
         {"settings": '{"dormancy_days": 120, "window_days": 365}', "now": now}),
        ("INSERT INTO institutions (id, workspace_id, name, kind, subtype, siren, insee_code, departement_code, "
         "region_code, population, updated_at, created_at) VALUES "
         "(1, NULL, 'CC du Test', 'epci', 'CC', '200000016', NULL, '31', '76', 12000, :now, :now), "
         "(2, 1, 'PETR du Pays test', 'petr', NULL, NULL, NULL, '31', '76', NULL, :now, :now), "
         "(3, NULL, 'Testville', 'commune', NULL, NULL, '31999', '31', '76', 800, :now, :now)", {"now": now}),
        ("UPDATE workspaces SET body_id = 2 WHERE id = 1", {}),
        ("INSERT INTO analysis_cache (id, workspace_id, key, data_version, payload, computed_at) "
         "VALUES (1, 1, 'analysis:old', 2, :payload, :now)", {"payload": '{"nodes": []}', "now": now}),
        ("INSERT INTO api_tokens (id, workspace_id, name, scope, token_hash, prefix, last_used_at, revoked_at, "
         "created_at) VALUES (1, 1, 'crm', 'ingest', :hash, 'mlg_upgrad', NULL, NULL, :now)",
         {"hash": hash_token(TOKEN), "now": now}),
        ("INSERT INTO audit_entries (id, workspace_id, at, actor, action, object_type, object_id, details) "
         "VALUES (1, 1, :now, 'cli', 'create', 'workspace', 1, :details)", {"now": now, "details": '{"slug": "pays-test"}'}),
        ("INSERT INTO people (id, workspace_id, full_name, email, notes, is_public_figure, updated_at, created_at) "
         "VALUES (1, 1, 'Élodie Martin', 'elodie@example.org', 'DGS', :false, :now, :now), "
         "(2, 1, 'Jean Dupont', NULL, NULL, :true, :now, :now)", {"now": now, "true": True, "false": False}),
        ("INSERT INTO topics (id, workspace_id, name) VALUES (1, 1, 'mobilité'), (2, 1, 'eau')", {}),
        ("INSERT INTO users (id, workspace_id, email, password_hash, role, failed_logins, locked_until, "
         "last_login_at, updated_at, created_at) VALUES (1, 1, 'admin@example.org', '$argon2id$v=19$x', 'admin', 0, "
         "NULL, :now, :now, :now)", {"now": now}),
        ("INSERT INTO affiliations (id, person_id, institution_id, role_category, title, start, \"end\", source, "
         "updated_at, created_at) VALUES (1, 1, 1, 'executive', 'DGS', '2021-03-01', NULL, 'manual', :now, :now), "
         "(2, 2, 2, 'elected', 'Président', '2020-07-01', '2026-03-31', NULL, :now, :now)", {"now": now}),
        ("INSERT INTO expected_liaisons (id, workspace_id, institution_a_id, institution_b_id, note, updated_at, "
         "created_at) VALUES (1, 1, 2, 1, 'PETR ↔ CC', :now, :now)", {"now": now}),
        ("INSERT INTO institution_memberships (id, workspace_id, member_id, group_id, valid_from, valid_to, "
         "updated_at, created_at) VALUES (1, NULL, 3, 1, '2017-01-01', NULL, :now, :now), "
         "(2, 1, 1, 2, NULL, NULL, :now, :now)", {"now": now}),
        ("INSERT INTO interactions (id, workspace_id, occurred_at, kind, formal, title, summary, location, source, "
         "external_id, content_hash, created_by, updated_at, created_at) VALUES "
         "(1, 1, :t1, 'informal', :false, 'Café avec la DGS', 'Mobilité', 'Testville', 'agenda', 'ag-1', :h1, "
         "'token:crm', :now, :now), "
         "(2, 1, :t2, 'meeting', :true, 'Comité syndical', NULL, NULL, 'agenda', 'ag-2', :h2, NULL, :now, :now)",
         {"t1": ts(2024, 11, 5, 8), "t2": ts(2024, 12, 10, 14), "h1": "a" * 64, "h2": "b" * 64, "now": now,
          "true": True, "false": False}),
        ("INSERT INTO interaction_topics (interaction_id, topic_id) VALUES (1, 1), (2, 1), (2, 2)", {}),
        ("INSERT INTO participations (id, interaction_id, person_id, institution_id, role) VALUES "
         "(1, 1, 1, NULL, 'organiser'), (2, 1, 2, NULL, NULL), (3, 2, 2, NULL, 'attendee'), "
         "(4, 2, NULL, 1, NULL)", {}),
        ("INSERT INTO person_refs (id, workspace_id, person_id, source, ref) VALUES (1, 1, 1, 'crm', 'c-1')", {}),
    ]
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            for statement, params in statements:
                connection.execute(text(statement), params)
            if not sqlite:  # explicit ids: move the sequences past them, as a real database would be
                for table in ("workspaces", "institutions", "analysis_cache", "api_tokens", "audit_entries",
                              "people", "topics", "users", "affiliations", "expected_liaisons",
                              "institution_memberships", "interactions", "participations", "person_refs"):
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                            f"(SELECT max(id) FROM {table}))"))
    finally:
        engine.dispose()


def columns_by_table(url: str) -> dict[str, list[str]]:
    engine = create_db_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        return {name: [c.name for c in table.columns] for name, table in metadata.tables.items()}
    finally:
        engine.dispose()


def fingerprints_of(url: str, columns: dict[str, list[str]]) -> dict:
    """Fingerprints of ``columns`` only (new revisions may add columns)."""
    engine = create_db_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, names in sorted(columns.items()):
                if name == "alembic_version":
                    continue
                table = metadata.tables[name]
                selected = [table.c[column] for column in names]
                order = list(table.primary_key.columns) or selected
                result[name] = [tuple(row) for row in connection.execute(select(*selected).order_by(*order))]
        return result
    finally:
        engine.dispose()


def test_first_revision_with_data_upgrades_to_head_intact(backend, fresh_database_url):
    url = fresh_database_url(backend)
    first = first_revision(url)
    upgrade(url, first)
    seed_first_revision(url)
    columns = columns_by_table(url)
    before = fingerprints_of(url, columns)
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"every table of the first revision holds rows: {empty}"
    assert table_fingerprints(url)  # readable at the first revision

    upgrade(url)

    engine = create_db_engine(url)
    try:
        assert current_revision(engine) == head_revision(url)
    finally:
        engine.dispose()
    after_columns = columns_by_table(url)
    for name, names in columns.items():
        assert name in after_columns, f"table {name} disappeared"
        assert set(names) <= set(after_columns[name]), f"columns of {name} disappeared"
    assert fingerprints_of(url, columns) == before

    # Today's code reads the old data: the token authenticates, the analysis runs over it.
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            token = authenticate_token(session, secret=TOKEN)
            assert token is not None and token.workspace_id == 1
            workspace = session.get_one(Workspace, 1)
            assert count_interactions(session, workspace=workspace) == 2
            analysis = full_analysis(session, workspace=workspace,
                                     since=datetime(2024, 1, 1, tzinfo=UTC), until=datetime(2025, 1, 1, tzinfo=UTC))
            labels = {node["label"] for node in analysis["person"]["nodes"]}
            assert {"Élodie Martin", "Jean Dupont"} <= labels
    finally:
        engine.dispose()
