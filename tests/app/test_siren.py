import pytest

from app.errors import Invalid
from app.siren import is_valid_siren, luhn_valid, normalize_siren


@pytest.mark.parametrize("siren", ["200050938", "200035855", "130009004", "217400423"])
def test_real_sirens_are_valid(siren):
    assert is_valid_siren(siren)


@pytest.mark.parametrize("siren", ["200050939", "12345678", "1234567890", "20005093A", ""])
def test_bad_sirens_are_refused(siren):
    assert not is_valid_siren(siren)
    with pytest.raises(Invalid):
        normalize_siren(siren)


def test_spaces_are_stripped():
    assert normalize_siren("200 050 938") == "200050938"


def test_luhn_on_known_values():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
