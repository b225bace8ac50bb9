"""A confidential need shows the open API only its title, industry and zone."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.services.test_matching import NEED, ZINC

SECRET = "我厂专有的助镀剂配方代号ZX-7"


def test_confidential_text_never_leaves_the_open_api(client: TestClient) -> None:
    need = client.post(
        "/api/v1/needs",
        json={
            **NEED,
            "confidential": True,
            "description": NEED["description"] + SECRET,
            "targets": "锌层附着力达到GB/T 13912要求",
            "budget_wan": 88,
        },
    )
    assert need.status_code == 201
    need_id = need.json()["id"]
    result = client.post("/api/v1/results", json=ZINC).json()["id"]
    client.app.state.matching.refresh()  # type: ignore[attr-defined]

    answers = [
        need.json(),
        client.get(f"/api/v1/needs/{need_id}").json(),
        client.get("/api/v1/needs").json(),
        client.get("/api/v1/needs", params={"q": "热镀锌钢管"}).json(),  # its title: found
        client.get(f"/api/v1/results/{result}/matches").json(),
        client.patch(f"/api/v1/needs/{need_id}", json={"status": "open"}).json(),
        client.post("/api/v1/matches/refresh").json(),
        client.get("/api/v1/matches").json(),
    ]
    for answer in answers:
        text = json.dumps(answer, ensure_ascii=False)
        assert "ZX-7" not in text and "助镀剂" not in text and "13912" not in text
        assert '"budget_wan": 88' not in text
    shown = answers[1]
    assert (shown["title"], shown["industry"], shown["zone"]) == (
        NEED["title"],
        NEED["industry"],
        NEED["zone"],
    )
    assert shown["current_state"] is None and shown["organization_id"] is None
    assert answers[3]["total"] == 1
    assert client.get("/api/v1/needs", params={"q": "ZX-7"}).json()["total"] == 0
    matched = answers[4]["items"][0]
    assert matched["need"]["id"] == need_id and matched["explanation"]["terms"] == []
    assert answers[7]["total"] == 1 and answers[7]["items"][0]["explanation"]["terms"] == []
