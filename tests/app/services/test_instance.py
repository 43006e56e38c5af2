from app.services.instance import secret_key
from app.settings import get_settings


def test_a_generated_key_is_kept(db, monkeypatch):
    monkeypatch.setattr(get_settings(), "secret_key", None)
    first = secret_key(db)
    assert len(first) == 64 and secret_key(db) == first


def test_the_configured_key_wins(db, monkeypatch):
    monkeypatch.setattr(get_settings(), "secret_key", "configured-key")
    assert secret_key(db) == "configured-key"
