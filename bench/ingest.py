#!/usr/bin/env python3
"""Ingestion benchmark: the batch endpoint end to end against a raw sqlite3 executemany.

    .venv/bin/python bench/ingest.py [--interactions 100000] [--batch 5000]

(a) raw: the same interaction and participation rows inserted with ``sqlite3`` executemany in
    one transaction, into a database migrated like Maillage's (same indexes and constraints,
    foreign keys enforced as Maillage's connections do);
(b) API: a real ``maillage serve`` on loopback, SQLite in WAL, fed with POST
    /api/v1/interactions/batch (HTTP, JSON, validation, idempotency lookup, commit).
Prints both rates (interactions per second) and their ratio. Figures go in bench/README.md.
"""

import argparse
import hashlib
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.database import create_db_engine, transaction  # noqa: E402
from app.schema import upgrade  # noqa: E402
from app.services.tokens import create_token  # noqa: E402
from app.services.workspaces import create_workspace  # noqa: E402

PEOPLE = 3_000
KINDS = ["meeting", "informal", "call", "email", "office_hours", "event", "visit", "other"]


def make_items(count: int, person_ids: list[int], seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items = []
    for n in range(count):
        participants = rng.sample(person_ids, rng.randint(2, 8))
        items.append({
            "external_id": f"bench-{n}",
            "occurred_at": (start + timedelta(minutes=37 * n)).isoformat(),
            "kind": rng.choice(KINDS),
            "title": f"Réunion {n}",
            "topics": [],
            "participants": [{"person_id": p} for p in participants],
        })
    return items


def new_database(directory: Path, name: str) -> tuple[str, list[int], str]:
    """A migrated SQLite database with one workspace, PEOPLE people and an ingest token."""
    path = directory / name
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(engine) as session:
        workspace = create_workspace(session, slug="bench")
        _token, secret = create_token(session, workspace=workspace, name="bench", scope="ingest")
        workspace_id = workspace.id
    engine.dispose()
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO people (workspace_id, full_name, is_public_figure, created_at, updated_at) VALUES (?, ?, 0, ?, ?)",
            [(workspace_id, f"Personne {i}", "2025-01-01 00:00:00", "2025-01-01 00:00:00") for i in range(PEOPLE)],
        )
    person_ids = [row[0] for row in connection.execute("SELECT id FROM people ORDER BY id")]
    connection.close()
    return str(path), person_ids, secret


def raw_rows(workspace_id: int, items: list[dict]) -> list[tuple]:
    """The interaction rows as Maillage stores them (UTC text timestamps, content hash), built
    before the clock starts: the raw side times the database work only."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    for item in items:
        occurred = datetime.fromisoformat(item["occurred_at"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        digest = hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
        rows.append((workspace_id, occurred, item["kind"], 1, item["title"], "bench", item["external_id"], digest,
                     now, now))
    return rows


def bench_raw(path: str, items: list[dict]) -> float:
    """Raw sqlite3: the same rows, one transaction, WAL, executemany, with the same constraints
    enforced as in Maillage (foreign keys on: they are part of the schema, and they cost about
    as much as the inserts themselves).

    The interaction ids come from ``last_insert_rowid()``: one executemany under an exclusive
    write lock gives consecutive rowids. (``executemany`` discards ``RETURNING`` rows, so the
    ids cannot be read back that way: an earlier version of this bench did, got none, and timed
    the interactions without their participations.)"""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    workspace_id = connection.execute("SELECT id FROM workspaces").fetchone()[0]
    rows = raw_rows(workspace_id, items)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO interactions (workspace_id, occurred_at, kind, formal, title, source, external_id, content_hash,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    last_id = connection.execute("SELECT last_insert_rowid()").fetchone()[0]
    ids = range(last_id - len(rows) + 1, last_id + 1)
    connection.executemany(
        "INSERT INTO participations (interaction_id, person_id) VALUES (?, ?)",
        [(interaction_id, p["person_id"]) for interaction_id, item in zip(ids, items, strict=True)
         for p in item["participants"]],
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return len(items) / elapsed


def stored_counts(path: str) -> tuple[int, int]:
    """(interactions, participations) in a database: both sides must have written the same."""
    connection = sqlite3.connect(path)
    try:
        return (connection.execute("SELECT count(*) FROM interactions").fetchone()[0],
                connection.execute("SELECT count(*) FROM participations").fetchone()[0])
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_api(path: str, secret: str, items: list[dict], batch: int) -> tuple[float, float]:
    """The batch endpoint of a real server; returns (first pass rate, replay rate)."""
    port = free_port()
    env = {**os.environ, "MAILLAGE_DATABASE_URL": f"sqlite:///{path}", "MAILLAGE_LOG_LEVEL": "warning",
           "MAILLAGE_MAX_BODY_BYTES": str(200 * 1024 * 1024), "MAILLAGE_MAX_BATCH_ITEMS": str(batch)}
    server = subprocess.Popen([sys.executable, "-m", "app.cli.main", "serve", "--port", str(port)], env=env,
                              cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        bodies = [json.dumps({"items": items[i : i + batch]}).encode() for i in range(0, len(items), batch)]
        rates = []
        with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
            for _ in range(2):  # first pass creates, second replays (all unchanged)
                started = time.perf_counter()
                for body in bodies:
                    response = client.post("/api/v1/interactions/batch", content=body)
                    response.raise_for_status()
                rates.append(len(items) / (time.perf_counter() - started))
        return rates[0], rates[1]
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        raw_path, person_ids, _ = new_database(Path(directory), "raw.db")
        items = make_items(args.interactions, person_ids)
        participants = sum(len(item["participants"]) for item in items)
        raw_rate = bench_raw(raw_path, items)
        api_path, _, secret = new_database(Path(directory), "api.db")
        api_rate, replay_rate = bench_api(api_path, secret, items, args.batch)
        expected = (len(items), participants)
        for side, path in (("raw", raw_path), ("API", api_path)):
            if stored_counts(path) != expected:
                raise SystemExit(f"{side}: stored {stored_counts(path)} (interactions, participations), "
                                 f"expected {expected}")
    print(f"{args.interactions:,} interactions, {participants:,} participations, batches of {args.batch:,}")
    print(f"raw sqlite3 executemany : {raw_rate:10,.0f} interactions/s")
    print(f"API batch endpoint      : {api_rate:10,.0f} interactions/s")
    print(f"API replay (unchanged)  : {replay_rate:10,.0f} interactions/s")
    print(f"ratio API / raw         : {api_rate / raw_rate:10.2f}")


if __name__ == "__main__":
    main()
