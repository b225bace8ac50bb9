"""Several server processes on one database (``techmatch serve --workers 2``): a result
created through one process is matched by the other within seconds, and two concurrent
transitions of one match never both succeed. CI runs this against PostgreSQL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.services.test_matching import NEED, UNRELATED, ZINC
from tests.support import TEST_DATABASE_URL, TEST_SECRET, Server, bearer, make_user

PROPAGATION_SECONDS = 5


@pytest.fixture
def server(engine: Engine, tmp_path: Path) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMATCH")}
    env |= {"DATABASE_URL": TEST_DATABASE_URL, "TECHMATCH_SECRET_KEY": TEST_SECRET}
    server = Server("--workers", "2", cwd=tmp_path, env=env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _fresh(method: str, url: str, **kwargs: object) -> httpx.Response:
    # A new connection each time, so the kernel may hand it to either worker.
    with httpx.Client(timeout=10) as client:
        return client.request(method, url, **kwargs)  # type: ignore[arg-type]


def test_a_new_result_reaches_the_other_process_within_seconds(
    server: Server, engine: Engine
) -> None:
    staff = bearer(make_user(engine, "staff"))
    api = f"{server.base}/api/v1"
    need = _fresh("POST", f"{api}/needs", json=NEED, headers=staff).json()["id"]
    _fresh("POST", f"{api}/results", json=UNRELATED, headers=staff)

    created = _fresh("POST", f"{api}/results", json=ZINC, headers=staff)
    assert created.status_code == 201
    start, writer = time.monotonic(), created.headers["x-process-id"]
    result = created.json()["id"]
    seen_by: dict[str, float] = {}
    answered_by: set[str] = set()
    while time.monotonic() - start < PROPAGATION_SECONDS + 5 and len(seen_by) < 2:
        r = _fresh("GET", f"{api}/needs/{need}/matches")
        process = r.headers["x-process-id"]
        answered_by.add(process)
        if process not in seen_by and result in [i["result"]["id"] for i in r.json()["items"]]:
            seen_by[process] = time.monotonic() - start
        time.sleep(0.05)
    assert len(answered_by) == 2, f"only process {answered_by} answered"
    others = {p: s for p, s in seen_by.items() if p != writer}
    assert others, f"the other process never matched the new result (seen by {seen_by})"
    assert max(others.values()) < PROPAGATION_SECONDS, seen_by


def _match(api: str, need: int, result: int, headers: dict[str, str]) -> int:
    """The pair's match: the matcher may already have suggested it, else staff add it."""
    pair = {"need_id": need, "result_id": result}
    made = _fresh("POST", f"{api}/matches", json=pair, headers=headers)
    if made.status_code == 201:
        return int(made.json()["id"])
    assert made.status_code == 409, made.text
    found = _fresh("GET", f"{api}/matches", params=pair, headers=headers).json()["items"]
    return int(found[0]["id"])


def test_concurrent_transitions_of_one_match_one_wins(server: Server, engine: Engine) -> None:
    staff = bearer(make_user(engine, "staff"))
    api = f"{server.base}/api/v1"
    need = _fresh("POST", f"{api}/needs", json=NEED, headers=staff).json()["id"]
    results = []
    for n in range(8):
        r = _fresh(
            "POST",
            f"{api}/results",
            json={**ZINC, "title": f"{ZINC['title']}（{n}）"},
            headers=staff,
        )
        assert r.status_code == 201, r.text
        results.append(r.json()["id"])
    # Either move closes the match, so whichever comes second must lose.
    moves = ({"to": "withdrawn"}, {"to": "rejected", "reason": "cost"})
    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in results:
            match = _match(api, need, result, staff)
            url = f"{api}/matches/{match}/transitions"
            answers = list(
                pool.map(lambda m, u=url: _fresh("POST", u, json=m, headers=staff), moves)
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [200, 409], [a.text for a in answers]
            history = _fresh("GET", f"{api}/matches/{match}/history", headers=staff).json()
            # Created, then the one move that won.
            assert [e["to_status"] for e in history["events"]][1:] in (
                ["withdrawn"],
                ["rejected"],
            )
