"""The one settings class of Maillage, read from ``MAILLAGE_*`` environment variables."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``MAILLAGE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./maillage.db",
        description="SQLAlchemy URL: sqlite:///PATH (embedded) or postgresql+psycopg://USER:PASS@HOST/DB.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=15_000, ge=0, description="How long a SQLite writer waits for the lock before failing."
    )
    secret_key: str | None = Field(
        default=None,
        description="Key for session cookies and the keyed hash of RNE identities. "
        "When unset, one is generated and kept in the database.",
    )
    host: str = Field(default="127.0.0.1", description="Address `maillage serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `maillage serve` listens on.")
    max_batch_items: int = Field(default=5_000, ge=1, description="Most items in one interaction batch.")
    max_body_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes."
    )
    max_stream_bytes: int = Field(
        default=2 * 1024 * 1024 * 1024, ge=1024, description="Largest NDJSON stream, in bytes."
    )
    log_level: str = Field(default="info", description="Server log level.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
