"""Visual vocabulary of maps: colours, French legend names, échelons and scales.

Kept apart from the rendering code so that the web UI (or a test) can show the same legend
without rendering a map.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ECHELON_LABELS",
    "EDGE_COLOR",
    "KIND_BY_KEY",
    "KIND_STYLES",
    "METRIC_LABELS",
    "WARNING_STYLES",
    "KindStyle",
    "WarningStyle",
    "kind_key",
    "scale_linear_sqrt",
]


@dataclass(frozen=True)
class KindStyle:
    """How one institution kind is drawn and named."""

    key: str
    label: str  # French, for the legend
    color: str  # background, "#rrggbb"
    echelon: int  # rank in the hierarchical view, 0 = top


# Order = legend order = top-down order of the hierarchical view. Colours avoid red and
# orange, which are kept for warning edges, and stay distinct for common colour blindness.
KIND_STYLES: tuple[KindStyle, ...] = (
    KindStyle("state_central", "État", "#1d3557", 0),
    KindStyle("state_service", "Services de l'État", "#4f86c6", 1),
    KindStyle("region", "Région", "#6a4c93", 2),
    KindStyle("departement", "Département", "#2a9d8f", 3),
    KindStyle("petr", "PETR / pays", "#b5179e", 4),
    KindStyle("pnr", "PNR", "#7a9a01", 4),
    KindStyle("syndicat", "Syndicat", "#8d6e63", 4),
    KindStyle("epci", "EPCI", "#2e7d32", 5),
    KindStyle("commune", "Commune", "#8fa8b8", 6),
    KindStyle("other", "Autre", "#9e9e9e", 7),
)

KIND_BY_KEY = {style.key: style for style in KIND_STYLES}

# Band titles of the hierarchical view, indexed by KindStyle.echelon.
ECHELON_LABELS: tuple[str, ...] = (
    "État",
    "Services de l'État",
    "Région",
    "Département",
    "PETR, PNR, syndicats",
    "EPCI",
    "Communes",
    "Autres",
)


@dataclass(frozen=True)
class WarningStyle:
    """How an expected-but-weak liaison is drawn."""

    key: str
    label: str  # French, for the legend
    color: str


WARNING_STYLES: tuple[WarningStyle, ...] = (
    WarningStyle("missing", "Liaison attendue absente", "#d62828"),
    WarningStyle("dormant", "Liaison en sommeil", "#e67700"),
)

EDGE_COLOR = "#7d8590"

# French names of the node metrics computed by graph/metrics.py, in tooltip order.
METRIC_LABELS: dict[str, str] = {
    "degree": "Degré",
    "strength": "Force des liens",
    "betweenness": "Intermédiarité",
    "closeness": "Proximité",
    "pagerank": "PageRank",
    "eigenvector": "Centralité de vecteur propre",
    "constraint": "Contrainte de Burt",
    "effective_size": "Taille effective",
    "community": "Communauté",
}


def kind_key(kind: object) -> str:
    """Return the known kind key for a node's ``kind``, ``"other"`` when unknown.

    Examples
    --------
    >>> kind_key("epci"), kind_key("chamber"), kind_key(None)
    ('epci', 'other', 'other')
    """
    return kind if isinstance(kind, str) and kind in KIND_BY_KEY else "other"


def scale_linear_sqrt(
    values: Sequence[float | None], low: float, high: float, *, default: float
) -> list[float]:
    """Map values onto ``[low, high]`` by the square root of their relative position.

    The square root makes the drawn *area* (of a node) grow with the value. Missing or
    non-finite values get ``low``; when every value is equal (or missing), all get
    ``default``. Results are rounded to 0.1 to keep the embedded data small.

    Examples
    --------
    >>> scale_linear_sqrt([0, 1, 4, None], 10, 30, default=15)
    [10.0, 20.0, 30.0, 10.0]
    """
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite or min(finite) == max(finite):
        return [float(default)] * len(values)
    smallest, span = min(finite), max(finite) - min(finite)
    scaled = []
    for value in values:
        if value is None or not math.isfinite(value):
            scaled.append(float(low))
        else:
            scaled.append(round(low + (high - low) * math.sqrt((value - smallest) / span), 1))
    return scaled
