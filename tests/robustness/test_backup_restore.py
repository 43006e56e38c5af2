"""`maillage backup FILE` then `maillage restore FILE` into a fresh database: every table equal.

Run through the real CLI on SQLite and PostgreSQL (pg_dump / pg_restore). The restore refuses
to replace a database holding data without --force.
"""

import pytest
from sqlalchemy import insert, select

from app.database import create_db_engine, transaction
from app.models import Person, PersonRef, Workspace
from app.schema import upgrade
from app.services.analysis import full_analysis
from app.services.demo import create_demo
from app.services.instance import secret_key
from app.services.referential import load_referential
from tests.robustness.conftest import prepare_database
from tests.robustness.helpers import run_cli, table_fingerprints

pytestmark = pytest.mark.slow


def populated_database(url: str) -> None:
    """Referential, demo workspace, tokens, a user, a person ref, the instance key, a cached analysis."""
    prepare_database(url, people=5)
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            load_referential(session)
        with transaction(engine) as session:
            demo = create_demo(session)
            person_id = session.scalar(select(Person.id).where(Person.workspace_id == demo.workspace.id).limit(1))
            session.execute(insert(PersonRef), [{"workspace_id": demo.workspace.id, "person_id": person_id,
                                                 "source": "crm", "ref": "crm-42"}])
            secret_key(session)
        with transaction(engine) as session:
            full_analysis(session, workspace=session.scalar(select(Workspace).where(Workspace.slug == "demo")))
    finally:
        engine.dispose()


def test_backup_then_restore_into_a_fresh_database_is_identical(backend, fresh_database_url, tmp_path):
    source = fresh_database_url(backend)
    populated_database(source)
    before = table_fingerprints(source)
    empty = [name for name, (count, _digest) in before.items() if count == 0]
    assert not empty, f"tables without rows make a weak comparison: {empty}"

    backup = tmp_path / "maillage.backup"
    result = run_cli(source, "backup", str(backup))
    assert result.returncode == 0, result.stderr
    assert backup.stat().st_size > 0

    target = fresh_database_url(backend)
    result = run_cli(target, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout
    assert table_fingerprints(target) == before

    # Once it holds data, restoring over it needs --force; with it, the result is the same.
    result = run_cli(target, "restore", str(backup))
    assert result.returncode != 0
    assert "holds data" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = run_cli(target, "restore", str(backup), "--force")
    assert result.returncode == 0, result.stderr
    assert table_fingerprints(target) == before
    # And the restored database is usable by the application.
    assert run_cli(target, "db", "current").stdout.strip() == run_cli(source, "db", "current").stdout.strip()


def test_restore_refuses_what_is_not_a_backup(backend, fresh_database_url, tmp_path):
    target = fresh_database_url(backend)
    upgrade(target)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = run_cli(target, "restore", str(bogus))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "backup" in result.stderr
    result = run_cli(target, "restore", str(tmp_path / "missing.backup"))
    assert result.returncode != 0 and "does not exist" in result.stderr
