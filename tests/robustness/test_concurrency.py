"""Concurrent writers against a real server: no lost write, no duplicate, no 5xx, no lock error.

16 clients push 12 batches of 50 items each at once: new items, replays of their own earlier
items, and items of a shared pool that every client sends (the same external_ids, the same
content, in different orders), while readers query the graph. Afterwards every distinct
external_id sent is there exactly once, and was reported ``created`` exactly once.
"""

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.database import create_db_engine
from app.models import Interaction, Topic

pytestmark = pytest.mark.slow

CLIENTS = 16
BATCHES = 12
NEW_PER_BATCH = 25
OWN_REPLAYS = 10
SHARED_PER_BATCH = 15
SHARED_POOL = 120
READERS = 2
TOPICS = ["mobilité", "eau", "habitat", "santé", "tourisme", "énergie"]
START = datetime(2025, 3, 1, tzinfo=UTC)


def make_item(external_id: str, seed: int, person_ids: list[int]) -> dict:
    rng = random.Random(external_id)
    return {
        "external_id": external_id,
        "occurred_at": (START + timedelta(minutes=17 * seed)).isoformat(),
        "kind": rng.choice(["meeting", "informal", "call", "email"]),
        "title": f"Échange {external_id}",
        "topics": rng.sample(TOPICS, 2),
        "participants": [{"person_id": p} for p in rng.sample(person_ids, 3)],
    }


def plan(person_ids: list[int]) -> list[list[list[dict]]]:
    """Per client, its batches (deterministic)."""
    shared = [make_item(f"shared-{k}", k, person_ids) for k in range(SHARED_POOL)]
    clients = []
    for c in range(CLIENTS):
        rng = random.Random(c)
        own: list[dict] = []
        batches = []
        for b in range(BATCHES):
            new = [make_item(f"c{c}-b{b}-i{i}", 1000 + c * 1000 + b * 50 + i, person_ids)
                   for i in range(NEW_PER_BATCH)]
            replays = rng.sample(own, min(OWN_REPLAYS, len(own)))
            extra = rng.sample(shared, SHARED_PER_BATCH + OWN_REPLAYS - len(replays))
            batch = new + replays + extra
            rng.shuffle(batch)
            batches.append(batch)
            own.extend(new)
        clients.append(batches)
    return clients


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(live_server):
    batches_by_client = plan(live_server.person_ids)
    failures: list[str] = []
    created = Counter()
    answered = Counter()
    stop_readers = threading.Event()
    reads = Counter()
    barrier = threading.Barrier(CLIENTS)

    def writer(batches: list[list[dict]]) -> None:
        try:
            write(batches)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(f"client error: {error!r}")

    def write(batches: list[list[dict]]) -> None:
        with live_server.client() as client:
            barrier.wait(timeout=60)
            for batch in batches:
                response = client.post("/api/v1/interactions/batch", json={"items": batch})
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:300]}")
                    continue
                result = response.json()
                if result["created"] + result["updated"] + result["unchanged"] != len(batch):
                    failures.append(f"counts do not add up: {result}")
                if result["updated"]:
                    failures.append(f"identical replays reported as updated: {result['updated']}")
                for item, interaction_id in zip(batch, result["ids"], strict=True):
                    answered[item["external_id"]] += 1
                    if not interaction_id:
                        failures.append(f"no id for {item['external_id']}")
                # Which items this batch created is not reported per item: count them in total.
                created["total"] += result["created"]

    def reader() -> None:
        with live_server.client(live_server.read_token) as client:
            while not stop_readers.is_set():
                response = client.get("/api/v1/graph/metrics")
                reads[response.status_code] += 1
                if response.status_code != 200:
                    failures.append(f"GET metrics {response.status_code}: {response.text[:300]}")

    writers = [threading.Thread(target=writer, args=(batches,)) for batches in batches_by_client]
    readers = [threading.Thread(target=reader) for _ in range(READERS)]
    for thread in writers + readers:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    stop_readers.set()
    for thread in readers:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in writers + readers), "clients still running after 5 minutes"

    if failures:
        # The server's own account, shown with the failure: which exception, from which statement.
        print(live_server.log()[-30_000:])
    errors = [line for line in live_server.log().splitlines() if line[:1].isalpha() and "Error" in line]
    assert not failures, (failures[:5], errors[-10:])
    assert "database is locked" not in live_server.log()
    sent = {item["external_id"] for batches in batches_by_client for batch in batches for item in batch}
    engine = create_db_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            stored = Counter(connection.scalars(select(Interaction.external_id)))
            topics = Counter(connection.scalars(select(Topic.name)))
            total = connection.scalar(select(func.count()).select_from(Interaction))
    finally:
        engine.dispose()
    assert set(stored) == sent, "lost or unexpected interactions"
    assert total == len(sent) and max(stored.values()) == 1, "duplicated interactions"
    assert created["total"] == len(sent), "each item must be reported created exactly once"
    assert set(topics) == set(TOPICS) and max(topics.values()) == 1
    assert reads[200] > 0
