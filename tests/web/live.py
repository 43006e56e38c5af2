"""A real Maillage server for browser tests: uvicorn in a thread, on 127.0.0.1 and a free port,
over a temporary SQLite database holding the referential, the demo workspace and one user per
role. Shared by the session's browser tests (tests/web/test_browser.py, test_accessibility.py):
import the ``live_server`` fixture from here.
"""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.database import create_db_engine
from app.models.base import utcnow
from app.schema import upgrade
from app.services.demo import create_demo
from app.services.referential import load_referential
from app.services.users import create_user

PASSWORD = "un mot de passe de test solide"
ROLES = ("viewer", "editor", "admin")
START_TIMEOUT = 60  # seconds; the machine may be slow and shared


@dataclass
class LiveServer:
    url: str
    database_url: str
    emails: dict[str, str] = field(default_factory=dict)  # role → email
    password: str = PASSWORD
    body_id: int | None = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from app.main import create_app

    path: Path = tmp_path_factory.mktemp("live") / "maillage.db"
    database_url = f"sqlite:///{path}"
    upgrade(database_url)
    engine = create_db_engine(database_url)
    emails = {role: f"{role}@demo.example" for role in ROLES}
    with Session(engine) as session:
        load_referential(session)
        workspace = create_demo(session, today=utcnow().date()).workspace
        for role, email in emails.items():
            create_user(session, workspace=workspace, email=email, role=role, password=PASSWORD)
        body_id = workspace.body_id
        session.commit()

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, name="maillage-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("the test server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url, emails=emails,
                         body_id=body_id)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        engine.dispose()


def log_in(page, server: LiveServer, role: str) -> None:
    """Log in through the real form (``page`` is a Playwright page)."""
    page.goto(f"{server.url}/connexion")
    page.get_by_label("Adresse électronique").fill(server.emails[role])
    page.get_by_label("Mot de passe").fill(server.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/tableau-de-bord")
