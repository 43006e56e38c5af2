"""Recognise key roles (DGS, director, president…) from free-text titles.

Titles come from people typing in a CRM or from the RNE, so matching ignores case, accents,
punctuation and feminine forms: "Directrice Générale des Services", "D.G.S.", "dgs",
"Présidente" all match. Deputies ("vice-président", "DGA", "directeur adjoint") are not key
roles: the point is to know whether the head of an institution is known.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Kinds of key role, from :func:`key_role_kind`.
EXECUTIVE_HEADS = frozenset({"dgs", "director", "secretary_general", "prefect"})
ELECTED_HEADS = frozenset({"president", "mayor"})

# Deputies, and chairs of a commission rather than of the institution.
_DEPUTY = re.compile(
    r"\b(vice|adjoint|adjointe|deputy|dga|dgas|suppleant|suppleante|commission)\b"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dgs", re.compile(r"\bdgs\b|\bdirect(eur|rice) generale? des services\b")),
    ("secretary_general", re.compile(r"\bsecretaire generale?\b")),
    ("director", re.compile(r"\bdirect(eur|rice|or)\b")),
    ("president", re.compile(r"\bpresident(e)?\b")),
    ("mayor", re.compile(r"\bmaire\b")),
    ("prefect", re.compile(r"\b(sous )?prefet(e)?\b")),
)


def normalise_title(title: str | None) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    Examples
    --------
    >>> normalise_title("  Directrice Générale des Services (D.G.S.) ")
    'directrice generale des services dgs'
    """
    if not title:
        return ""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    # Dots go before other punctuation so that initialisms hold together: "D.G.S." → "dgs".
    ascii_only = ascii_only.replace(".", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only).split())


@lru_cache(maxsize=8192)  # a territory has thousands of affiliations but few distinct titles
def key_role_kind(title: str | None, role_category: str | None = None) -> str | None:
    """Which key role a title denotes, or ``None``.

    Returns one of ``"dgs"``, ``"director"``, ``"secretary_general"``, ``"prefect"``
    (executive heads) or ``"president"``, ``"mayor"`` (elected heads). A blank title with
    role category ``"executive"`` counts as ``"director"``: an import that only knows the
    category still tells us the executive head is identified.

    Examples
    --------
    >>> key_role_kind("Directrice générale des services")
    'dgs'
    >>> key_role_kind("Présidente")
    'president'
    >>> key_role_kind("Vice-président délégué à la mobilité") is None
    True
    """
    text = normalise_title(title)
    if not text:
        return "director" if role_category == "executive" else None
    if _DEPUTY.search(text):
        return None
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


def is_key_role(title: str | None, role_category: str | None = None) -> bool:
    """Whether a title (or, when blank, an executive role category) is a key role.

    Examples
    --------
    >>> is_key_role("DGS")
    True
    >>> is_key_role("Chargée de mission mobilité")
    False
    """
    return key_role_kind(title, role_category) is not None
