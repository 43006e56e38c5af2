"""kill -9 the server in the middle of ingestion, restart it on the same database.

Every batch that got a 2xx is there whole; no batch is there in part (each batch's
external_ids carry its own marker, so its count is 0 or all); SQLite passes
``PRAGMA integrity_check``; and the restarted server takes the replays.
"""

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, text

from app.database import create_db_engine, is_sqlite
from app.models import Interaction

pytestmark = pytest.mark.slow

CLIENTS = 3
ITEMS = 300  # large enough that a transaction is in progress most of the time
CYCLES = 2
START = datetime(2025, 6, 1, tzinfo=UTC)


def batch_items(marker: str, person_ids: list[int]) -> list[dict]:
    return [
        {
            "external_id": f"{marker}-i{i}",
            "occurred_at": (START + timedelta(minutes=i)).isoformat(),
            "kind": "meeting",
            "title": f"{marker} {i}",
            "topics": [f"thème {i % 5}"],
            "participants": [{"person_id": person_ids[i % len(person_ids)]},
                             {"person_id": person_ids[(i + 1) % len(person_ids)]},
                             {"name": f"Invité {marker} {i % 3}"}],
        }
        for i in range(ITEMS)
    ]


def stored_counts(url: str) -> Counter:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return Counter(external_id.rsplit("-i", 1)[0]
                           for external_id in connection.scalars(select(Interaction.external_id)))
    finally:
        engine.dispose()


def integrity(url: str) -> str:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("PRAGMA integrity_check")).scalar_one()
    finally:
        engine.dispose()


def test_kill_9_mid_ingestion_keeps_acknowledged_batches_whole(live_server):
    sent: dict[str, list[dict]] = {}
    acknowledged: set[str] = set()
    lock = threading.Lock()

    for cycle in range(CYCLES):
        stop = threading.Event()

        def push(client_number: int, cycle: int = cycle, stop: threading.Event = stop) -> None:
            with live_server.client(timeout=30) as client:
                n = 0
                while not stop.is_set():
                    marker = f"k{cycle}c{client_number}b{n}"
                    items = batch_items(marker, live_server.person_ids)
                    with lock:
                        sent[marker] = items
                    n += 1
                    try:
                        response = client.post("/api/v1/interactions/batch", json={"items": items})
                    except httpx.HTTPError:
                        return  # the server died under us: this batch is unacknowledged
                    if response.status_code == 200:
                        with lock:
                            acknowledged.add(marker)
                    else:
                        pytest.fail(f"{response.status_code}: {response.text[:200]}")

        threads = [threading.Thread(target=push, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                if sum(marker.startswith(f"k{cycle}") for marker in acknowledged) >= 4:
                    break
            time.sleep(0.05)
        time.sleep(0.13)  # land somewhere inside the next transactions
        live_server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)

        counts = stored_counts(live_server.database_url)
        for marker in acknowledged:
            assert counts[marker] == ITEMS, f"acknowledged batch {marker} has {counts[marker]}/{ITEMS} items"
        partial = {marker: count for marker, count in counts.items() if count not in (0, ITEMS)}
        assert not partial, f"batches stored in part: {partial}"
        assert set(counts) <= set(sent)
        with lock:
            assert len([m for m in sent if m.startswith(f"k{cycle}")]) > len(
                [m for m in acknowledged if m.startswith(f"k{cycle}")]), "no batch was in flight at the kill"
        if is_sqlite(live_server.database_url):
            assert integrity(live_server.database_url) == "ok"
        live_server.start()

    # The restarted server takes every batch again: acknowledged ones unchanged, lost ones created.
    with live_server.client() as client:
        for marker, items in sent.items():
            response = client.post("/api/v1/interactions/batch", json={"items": items})
            assert response.status_code == 200, response.text[:300]
            result = response.json()
            if marker in acknowledged:
                assert result["unchanged"] == ITEMS, (marker, result)
            assert result["created"] in (0, ITEMS)
    counts = stored_counts(live_server.database_url)
    assert counts == {marker: ITEMS for marker in sent}
    assert len(acknowledged) >= 4 * CYCLES
