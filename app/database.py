"""Engine and session handling.

Services receive a ``Session`` and never commit; whoever opened the session (a request
dependency or a CLI command, through :func:`transaction`) commits or rolls back.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.settings import get_settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_db_engine(url: str, *, busy_timeout_ms: int = 15_000, echo: bool = False) -> Engine:
    """Create an engine with the connection settings Maillage relies on.

    SQLite gets WAL (readers never block the writer), enforced foreign keys and a busy
    timeout; PostgreSQL gets a pre-pinged pool.
    """
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            # pysqlite's own transaction handling would defer BEGIN; let SQLAlchemy emit it so
            # that a write transaction takes the lock up front (see _begin_immediate).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of page cache per connection (SQLite's default is 2 MB): a territory's indexes
            # stay in memory, which bulk inserts and analysis loads both feel.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # pragma: no cover - trivial
            # BEGIN (deferred) would let two writers both read and then fail on upgrade with
            # "database is locked"; IMMEDIATE queues them on the busy timeout instead.
            read_only = conn.get_execution_options().get("maillage_read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    # Sync routes run in a thread pool of 40: let most of them hold a connection at once
    # rather than time out waiting for one under load.
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=30)


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return create_db_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def session_factory(engine: Engine | None = None, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions bound to ``engine``. Read-only ones take no write lock on SQLite."""
    bind = engine or get_engine()
    if read_only:
        bind = bind.execution_options(maillage_read_only=True)
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


@contextmanager
def transaction(engine: Engine | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any exception."""
    session = session_factory(engine, read_only=read_only)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
