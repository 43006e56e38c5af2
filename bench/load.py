#!/usr/bin/env python3
"""Load test: concurrent ingest clients, then concurrent readers, against a real server.

    nice .venv/bin/python bench/load.py [--backend sqlite|postgresql|both] [--clients 16]
        [--batches 200] [--items 50] [--readers 20] [--read-seconds 20]

Starts ``maillage serve`` on 127.0.0.1 (a free port; SQLite: 1 worker; PostgreSQL: --workers 2)
on a fresh migrated database (SQLite file in a temporary directory, or a database created on
``MAILLAGE_TEST_POSTGRES_URL``'s server and dropped afterwards), then:

1. write: ``--clients`` threads each POST ``--batches`` batches of ``--items`` interactions to
   /api/v1/interactions/batch; each batch mixes new items (70 %) and replays (30 %: the
   client's own earlier items and a pool every client sends). Reports batches/s, items/s and
   p50/p95/p99 latency; then checks: no non-2xx, stored interactions = distinct external_ids.
2. read: ``--readers`` threads GET /api/v1/graph/metrics for ``--read-seconds``; reports
   requests/s and p50/p95/p99 latency.
Figures go in bench/README.md ("## Load"). Loopback only, every wait bounded.
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.database import create_db_engine, transaction  # noqa: E402
from app.models import Interaction, Person  # noqa: E402
from app.schema import upgrade  # noqa: E402
from app.services.tokens import create_token  # noqa: E402
from app.services.workspaces import create_workspace  # noqa: E402

PEOPLE = 300
SHARED_POOL = 500
TOPICS = ["mobilité", "eau", "habitat", "santé", "tourisme", "énergie", "agriculture", "culture"]
KINDS = ["meeting", "informal", "call", "email", "office_hours", "event", "visit"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str) -> tuple[str, str, list[int]]:
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(engine) as session:
        workspace = create_workspace(session, slug="load", name="Charge")
        _t, ingest = create_token(session, workspace=workspace, name="load-ingest", scope="ingest")
        _r, read = create_token(session, workspace=workspace, name="load-read", scope="read")
        session.execute(insert(Person), [{"workspace_id": workspace.id, "full_name": f"Personne {n}",
                                           "is_public_figure": False} for n in range(PEOPLE)])
        people = list(session.scalars(select(Person.id).where(Person.workspace_id == workspace.id)))
    engine.dispose()
    return ingest, read, people


def item(external_id: str, n: int, people: list[int]) -> dict:
    rng = random.Random(external_id)
    return {"external_id": external_id, "occurred_at": (START + timedelta(minutes=7 * n)).isoformat(),
            "kind": rng.choice(KINDS), "title": f"Échange {external_id}", "topics": rng.sample(TOPICS, 2),
            "participants": [{"person_id": p} for p in rng.sample(people, rng.randint(2, 5))]}


class Server:
    def __init__(self, url: str, workers: int, log: Path):
        self.port = free_port()
        env = {**os.environ, "MAILLAGE_DATABASE_URL": url, "MAILLAGE_LOG_LEVEL": "warning"}
        command = [sys.executable, "-m", "app.cli.main", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(workers)]
        with open(log, "wb") as handle:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"server did not start: see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def write_phase(base: str, token: str, people: list[int], args) -> dict:
    shared = [item(f"shared-{k}", k, people) for k in range(SHARED_POOL)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent: set[str] = set()
    lock = threading.Lock()
    new_count = max(1, round(args.items * 0.7))
    barrier = threading.Barrier(args.clients)

    def client(number: int) -> None:
        rng = random.Random(number)
        own: list[dict] = []
        mine: list[float] = []
        codes: dict[int, int] = {}
        ids: set[str] = set()
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            barrier.wait(timeout=60)
            for b in range(args.batches):
                new = [item(f"c{number}-b{b}-i{i}", number * 100_000 + b * 100 + i, people) for i in range(new_count)]
                replay_count = args.items - new_count
                replays = rng.sample(own, min(len(own), replay_count // 2))
                replays += rng.sample(shared, replay_count - len(replays))
                batch = new + replays
                rng.shuffle(batch)
                started = time.perf_counter()
                try:
                    response = http.post("/api/v1/interactions/batch", json={"items": batch})
                    code = response.status_code
                except httpx.HTTPError:
                    code = 0
                mine.append(time.perf_counter() - started)
                codes[code] = codes.get(code, 0) + 1
                if code == 200:
                    own.extend(new)
                    ids.update(i["external_id"] for i in batch)
        with lock:
            latencies.extend(mine)
            sent.update(ids)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3600)
    elapsed = time.perf_counter() - started
    batches = len(latencies)
    return {"elapsed": elapsed, "batches": batches, "items": batches * args.items, "statuses": statuses,
            "sent": sent, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99)}


def read_phase(base: str, token: str, args) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300) as http:
        first = time.perf_counter()
        warm = http.get("/api/v1/graph/metrics")  # the first computes and caches the analysis
        cold = time.perf_counter() - first
        if warm.status_code != 200:
            raise SystemExit(f"GET /graph/metrics: {warm.status_code} {warm.text[:200]}")
    deadline = time.monotonic() + args.read_seconds

    def reader() -> None:
        mine, codes = [], {}
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    code = http.get("/api/v1/graph/metrics").status_code
                except httpx.HTTPError:
                    code = 0
                mine.append(time.perf_counter() - started)
                codes[code] = codes.get(code, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=reader) for _ in range(args.readers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.read_seconds + 600)
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "requests": len(latencies), "statuses": statuses, "cold": cold,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99)}


def run(backend: str, args) -> bool:
    admin_url = None
    name = None
    directory = tempfile.TemporaryDirectory()
    if backend == "sqlite":
        url = f"sqlite:///{directory.name}/load.db"
        workers = 1
    else:
        server_url = os.environ.get("MAILLAGE_TEST_POSTGRES_URL") or args.postgres_url
        admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
        name = f"maillage_load_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        workers = 2
    ok = True
    try:
        ingest, read, people = prepare(url)
        server = Server(url, workers, Path(directory.name) / "server.log")
        try:
            w = write_phase(server.base, ingest, people, args)
            r = read_phase(server.base, read, args)
        finally:
            server.stop()
        engine = create_db_engine(url)
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(Interaction))
            distinct = connection.scalar(select(func.count(func.distinct(Interaction.external_id))))
        engine.dispose()
        bad = {code: n for code, n in w["statuses"].items() if code != 200}
        bad_reads = {code: n for code, n in r["statuses"].items() if code != 200}
        ok = not bad and not bad_reads and stored == distinct == len(w["sent"])
        log = (Path(directory.name) / "server.log").read_text(errors="replace")
        locked = log.count("database is locked")
        print(f"== {backend} ({workers} worker{'s' if workers > 1 else ''}), {args.clients} clients x "
              f"{args.batches} batches of {args.items} items (70% new, 30% replayed)")
        print(f"write: {w['batches']} batches in {w['elapsed']:.1f}s = {w['batches'] / w['elapsed']:.1f} batches/s, "
              f"{w['items'] / w['elapsed']:,.0f} items/s; latency p50 {w['p50'] * 1000:.0f} ms, "
              f"p95 {w['p95'] * 1000:.0f} ms, p99 {w['p99'] * 1000:.0f} ms")
        print(f"       non-2xx: {bad or 'none'}; 'database is locked' in server log: {locked}; "
              f"stored {stored:,} = distinct {distinct:,} = sent {len(w['sent']):,}: {stored == distinct == len(w['sent'])}")
        print(f"read : GET /graph/metrics, {args.readers} readers for {r['elapsed']:.0f}s: {r['requests']} requests = "
              f"{r['requests'] / r['elapsed']:.1f} req/s; latency p50 {r['p50'] * 1000:.0f} ms, "
              f"p95 {r['p95'] * 1000:.0f} ms, p99 {r['p99'] * 1000:.0f} ms (first, uncached: {r['cold'] * 1000:.0f} ms); "
              f"non-2xx: {bad_reads or 'none'}")
    finally:
        if name:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        directory.cleanup()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--read-seconds", type=float, default=20)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run(backend, args) for backend in backends]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
