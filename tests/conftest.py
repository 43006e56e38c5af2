"""Shared fixtures: one migrated database per backend, and a rolled-back transaction per test.

Every test that uses ``db`` (or ``client``) runs on SQLite and, when
``MAILLAGE_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it), on PostgreSQL too, each in a
database created for this run and dropped after it. In CI (``CI=true``) the PostgreSQL
variable is required: the suite fails rather than silently skipping a backend.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.database import create_db_engine
from app.schema import upgrade
from app.services.referential import load_referential

pytest_plugins = ["tests.browser_support"]

POSTGRES_URL = os.environ.get("MAILLAGE_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but MAILLAGE_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot run")


def pytest_report_header(config: pytest.Config) -> str:
    return f"maillage database backends: {', '.join(BACKENDS)}"


def _create_postgres_database() -> tuple[str, str]:
    """Create a fresh database on the test server; returns (its URL, its name)."""
    server = make_url(POSTGRES_URL)
    if server.drivername == "postgresql":
        server = server.set(drivername="postgresql+psycopg")
    name = f"maillage_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(name: str) -> None:
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A factory of empty databases for the backend under test: ``make(backend) -> url``."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / "maillage.db"
            return f"sqlite:///{path}"
        url, name = _create_postgres_database()
        created.append(name)
        return url

    yield make
    for name in created:
        _drop_postgres_database(name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, fresh_database_url) -> str:
    """A migrated database holding the national referential, shared by the session's tests."""
    url = fresh_database_url(backend)
    upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_referential(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    Code under test may commit: with ``create_savepoint`` its commits only release savepoints.
    """
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(db: Session, engine: Engine):
    """An HTTP client on the app, whose requests run inside the test's transaction."""
    from fastapi.testclient import TestClient

    from app.api.deps import get_session
    from app.main import create_app

    application = create_app(engine)

    def test_session() -> Iterator[Session]:
        # Like the real dependency: the request's work is committed (here: a savepoint is
        # released) when it succeeds and rolled back when it fails.
        nested = db.begin_nested()
        try:
            yield db
            if nested.is_active:
                nested.commit()
        except BaseException:
            if nested.is_active:
                nested.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    with TestClient(application, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
