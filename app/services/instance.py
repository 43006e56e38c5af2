"""Instance-wide secrets: the configured key, or one generated once and kept in the database."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InstanceSetting
from app.settings import get_settings

SECRET_KEY = "secret_key"


def secret_key(session: Session) -> str:
    """``MAILLAGE_SECRET_KEY`` when set; otherwise a random key generated on first use and stored.

    Used for session cookies and for the keyed hash that matches élus across RNE files
    without storing their birth dates.
    """
    configured = get_settings().secret_key
    if configured:
        return configured
    stored = session.scalar(select(InstanceSetting.value).where(InstanceSetting.key == SECRET_KEY))
    if stored:
        return stored
    generated = secrets.token_hex(32)
    with session.begin_nested():
        session.add(InstanceSetting(key=SECRET_KEY, value=generated))
    return generated
