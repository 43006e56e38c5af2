"""Interactions (échanges): content hashing for idempotent ingestion."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any


def content_hash(
    *,
    occurred_at: datetime,
    kind: str,
    formal: bool,
    title: str,
    summary: str | None,
    location: str | None,
    topics: Iterable[str],
    participants: Iterable[Mapping[str, Any]],
) -> str:
    """A digest of what a client sent for one interaction.

    Replaying the same item gives the same digest ("unchanged"); any change of content gives
    another ("updated"). Topics and participants are order-insensitive.
    """
    document = {
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "kind": kind,
        "formal": formal,
        "title": title,
        "summary": summary,
        "location": location,
        "topics": sorted(set(topics)),
        "participants": sorted(json.dumps(dict(p), sort_keys=True, default=str) for p in participants),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).hexdigest()
