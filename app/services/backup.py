"""Consistent backups of a live database."""

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
