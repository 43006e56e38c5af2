"""Consistent backups of a live database, and restoring them."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from app.errors import Invalid


def backup_database(url: str, destination: Path) -> int:
    """Back up the database at ``url`` into ``destination``; returns the file size.

    SQLite uses the online backup API (a consistent copy while writers go on); PostgreSQL uses
    ``pg_dump --format=custom``, restorable with ``pg_restore``. The file appears only once
    complete (written beside it, then renamed).
    """
    destination = Path(destination)
    if destination.is_dir():
        raise Invalid(f"{destination} is a directory: give a file name")
    if not destination.parent.exists():
        raise Invalid(f"directory {destination.parent} does not exist")
    parsed = make_url(url)
    handle, temporary = tempfile.mkstemp(prefix=".maillage-backup-", dir=destination.parent)
    os.close(handle)
    try:
        if parsed.get_backend_name() == "sqlite":
            _backup_sqlite(parsed.database or "", temporary)
        elif parsed.get_backend_name() == "postgresql":
            _backup_postgresql(parsed, temporary)
        else:
            raise Invalid(f"cannot back up a {parsed.get_backend_name()} database")
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return destination.stat().st_size


def _backup_sqlite(database: str, target: str) -> None:
    if not database or database == ":memory:" or not Path(database).exists():
        raise Invalid(f"SQLite database {database!r} does not exist")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _backup_postgresql(parsed, target: str) -> None:
    if shutil.which("pg_dump") is None:
        raise Invalid("pg_dump is not installed (Debian package postgresql-client)")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if parsed.host:
        command.append(f"--host={parsed.host}")
    if parsed.port:
        command.append(f"--port={parsed.port}")
    if parsed.username:
        command.append(f"--username={parsed.username}")
    command.append(parsed.database or "")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Invalid(f"pg_dump failed: {result.stderr.strip().splitlines()[-1] if result.stderr else result.returncode}")


SQLITE_HEADER = b"SQLite format 3\x00"


def restore_database(url: str, source: Path, *, force: bool = False) -> str:
    """Restore the backup ``source`` into the database at ``url``; returns a one-line summary.

    Refuses to overwrite a database that holds data unless ``force``. SQLite: the backup is
    copied through the online backup API into a temporary file beside the database, checked,
    then renamed over it (atomic: the database is the old one or the new one, never a mix);
    stop the server first. PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction.
    """
    source = Path(source)
    if not source.is_file():
        raise Invalid(f"backup file {source} does not exist")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _restore_sqlite(parsed.database or "", source, force=force)
    if backend == "postgresql":
        return _restore_postgresql(url, parsed, source, force=force)
    raise Invalid(f"cannot restore into a {backend} database")


def _sqlite_has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'")]
        return any(connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0] for name in tables)
    finally:
        connection.close()


def _restore_sqlite(database: str, source: Path, *, force: bool) -> str:
    if not database or database == ":memory:":
        raise Invalid("cannot restore into an in-memory SQLite database")
    with open(source, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise Invalid(f"{source} is not a SQLite backup (for PostgreSQL, configure a PostgreSQL URL)")
    target = Path(database)
    if not target.parent.exists():
        raise Invalid(f"directory {target.parent} does not exist")
    if _sqlite_has_data(target) and not force:
        raise Invalid(f"the database {target} holds data: restoring would replace it (use --force)")
    handle, temporary = tempfile.mkstemp(prefix=".maillage-restore-", dir=target.parent)
    os.close(handle)
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        copy = sqlite3.connect(temporary)
        try:
            with copy:
                backup.backup(copy)
            status = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise Invalid(f"{source} fails its integrity check: {status}")
            copy.execute("PRAGMA journal_mode=WAL")
        finally:
            copy.close()
            backup.close()
        if target.exists():
            # Fold the old database's write-ahead log into it and let it go, so that no stale
            # -wal file is ever applied to the restored one.
            old = sqlite3.connect(str(target))
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return f"Restored {source} into {target}."


def _postgres_has_data(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = connection.scalars(text(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
                "AND table_name != 'alembic_version'")).all()
            return any(connection.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {name})")) for name in tables)
    finally:
        engine.dispose()


def _restore_postgresql(url: str, parsed, source: Path, *, force: bool) -> str:
    if shutil.which("pg_restore") is None:
        raise Invalid("pg_restore is not installed (Debian package postgresql-client)")
    with open(source, "rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise Invalid(f"{source} is not a pg_dump custom-format backup (maillage backup writes one)")
    if _postgres_has_data(url) and not force:
        raise Invalid(f"the database {parsed.database!r} holds data: restoring would replace it (use --force)")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error"]
    if parsed.host:
        command.append(f"--host={parsed.host}")
    if parsed.port:
        command.append(f"--port={parsed.port}")
    if parsed.username:
        command.append(f"--username={parsed.username}")
    command += [f"--dbname={parsed.database or ''}", str(source)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Invalid(f"pg_restore failed: {result.stderr.strip().splitlines()[-1] if result.stderr else result.returncode}")
    return f"Restored {source} into database {parsed.database!r}."
