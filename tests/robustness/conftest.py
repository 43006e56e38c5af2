"""A real ``maillage serve`` in a subprocess, on loopback, against a fresh migrated database.

``live_server`` gives a :class:`LiveServer` for the backend under test (SQLite file, and
PostgreSQL when configured), with a workspace, people and ingest/read tokens created
beforehand. It can be killed with SIGKILL and restarted on the same database; it is always
stopped at teardown. Every wait is bounded.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from app.database import create_db_engine, transaction
from app.models import Person
from app.schema import upgrade
from app.services.tokens import create_token
from app.services.users import create_user
from app.services.workspaces import create_workspace

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
PEOPLE = 40
USER_PASSWORD = "Robust-pass-7c1e9d2f"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    database_url: str
    backend: str
    ingest_token: str
    read_token: str
    person_ids: list[int]
    user_email: str
    log_path: Path
    workers: int = 1
    port: int = 0
    process: subprocess.Popen | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.port = free_port()
        env = {**os.environ, "MAILLAGE_DATABASE_URL": self.database_url, "MAILLAGE_LOG_LEVEL": "info",
               "MAILLAGE_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1", **self.extra_env}
        env.pop("MAILLAGE_DEBUG", None)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        command = [sys.executable, "-m", "app.cli.main", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        # Its own process group, so that kill() reaches uvicorn's worker processes too.
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready within {STARTUP_SECONDS}s:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the server (and its workers): no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def client(self, token: str | None = None, **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.ingest_token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=kwargs.pop("timeout", 60), **kwargs)


def prepare_database(url: str, *, people: int = PEOPLE) -> dict:
    """Migrate ``url`` and create workspace ``robust``, people, a user and two tokens."""
    upgrade(url)
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            workspace = create_workspace(session, slug="robust", name="Robustesse")
            _ingest, ingest_secret = create_token(session, workspace=workspace, name="robust-ingest", scope="ingest")
            _read, read_secret = create_token(session, workspace=workspace, name="robust-read", scope="read")
            user, _password = create_user(session, workspace=workspace, email="robust@example.org", role="admin",
                                          password=USER_PASSWORD)
            session.execute(insert(Person), [{"workspace_id": workspace.id, "full_name": f"Personne {n}",
                                               "is_public_figure": False} for n in range(people)])
            person_ids = list(session.scalars(select(Person.id).where(Person.workspace_id == workspace.id)
                                              .order_by(Person.id)))
            workspace_id = workspace.id
            email = user.email
    finally:
        engine.dispose()
    return {"ingest_token": ingest_secret, "read_token": read_secret, "person_ids": person_ids,
            "workspace_id": workspace_id, "user_email": email}


@pytest.fixture
def live_server_factory(backend: str, fresh_database_url, tmp_path: Path) -> Iterator:
    """``make(workers=1) -> LiveServer`` (started); every server made is stopped at teardown."""
    servers: list[LiveServer] = []

    def make(*, workers: int = 1, extra_env: dict[str, str] | None = None, start: bool = True) -> LiveServer:
        url = fresh_database_url(backend)
        prepared = prepare_database(url)
        server = LiveServer(database_url=url, backend=backend, ingest_token=prepared["ingest_token"],
                            read_token=prepared["read_token"], person_ids=prepared["person_ids"],
                            user_email=prepared["user_email"], log_path=tmp_path / f"server-{len(servers)}.log",
                            workers=workers, extra_env=extra_env or {})
        servers.append(server)
        if start:
            server.start()
        return server

    yield make
    for server in servers:
        server.kill()


@pytest.fixture
def live_server(live_server_factory) -> LiveServer:
    return live_server_factory()
