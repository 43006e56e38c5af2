"""Shared helpers: run the CLI in a subprocess, fingerprint every table of a database."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import MetaData, select

from app.database import create_db_engine

ROOT = Path(__file__).resolve().parents[2]


def run_cli(url: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "MAILLAGE_DATABASE_URL": url}
    env.pop("MAILLAGE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _normal(value) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    return repr(value)


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """``{table: (row count, sha256 of every row in primary-key or full-row order)}``."""
    engine = create_db_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                count = 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update("\x1f".join(_normal(v) for v in row).encode())
                    digest.update(b"\x1e")
                    count += 1
                result[name] = (count, digest.hexdigest())
        return result
    finally:
        engine.dispose()
