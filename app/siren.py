"""SIREN numbers: 9 digits whose Luhn checksum is valid."""

import re

from app.errors import Invalid

_NINE_DIGITS = re.compile(r"\d{9}")


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum.

    >>> luhn_valid("200050938")
    True
    >>> luhn_valid("200050939")
    False
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    # La Poste's SIRENs (356000000 + …) famously break Luhn; none are public bodies Maillage tracks.
    return bool(_NINE_DIGITS.fullmatch(value)) and luhn_valid(value)


def normalize_siren(value: str) -> str:
    """Strip spaces from a SIREN and validate it, or raise :class:`Invalid`."""
    cleaned = re.sub(r"\s", "", value or "")
    if not _NINE_DIGITS.fullmatch(cleaned):
        raise Invalid(f"invalid SIREN {value!r}: a SIREN has exactly 9 digits")
    if not luhn_valid(cleaned):
        raise Invalid(f"invalid SIREN {value!r}: its check digit is wrong (Luhn)")
    return cleaned
