"""A confidential need shows outsiders only its title, industry and zone; its owner and
staff read all of it."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.services.test_matching import NEED, ZINC
from tests.support import bearer, make_user

SECRET = "我厂专有的助镀剂配方代号ZX-7"
CONFIDENTIAL = {
    **NEED,
    "confidential": True,
    "description": NEED["description"] + SECRET,
    "targets": "锌层附着力达到GB/T 13912要求",
    "budget_wan": 88,
}


def _leaks(answer: object) -> bool:
    text = json.dumps(answer, ensure_ascii=False)
    return any(s in text for s in ("ZX-7", "助镀剂", "13912", '"budget_wan": 88'))


def test_confidential_text_never_reaches_an_outsider(
    client: TestClient, anon: TestClient, enterprise: dict, institute: dict, engine
) -> None:  # noqa: ANN001
    owner = bearer(make_user(engine, "enterprise", enterprise["id"]))
    need = client.post(
        "/api/v1/needs", json={**CONFIDENTIAL, "organization_id": enterprise["id"]}
    ).json()
    need_id = need["id"]
    result = client.post("/api/v1/results", json={**ZINC, "organization_id": institute["id"]})
    result_id = result.json()["id"]
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    client.post("/api/v1/matches/refresh")
    match_id = client.get("/api/v1/matches").json()["items"][0]["id"]
    for to in ("shortlisted", "recommended"):  # now the institute sees the match
        client.post(f"/api/v1/matches/{match_id}/transitions", json={"to": to})

    outsider = bearer(make_user(engine, "institute", institute["id"]))
    for headers in ({}, outsider):
        answers = [
            anon.get(f"/api/v1/needs/{need_id}", headers=headers),
            anon.get("/api/v1/needs", headers=headers),
            anon.get("/api/v1/needs", params={"q": "热镀锌钢管"}, headers=headers),
            anon.get(f"/api/v1/needs/{need_id}/matches", headers=headers),
            anon.get(f"/api/v1/results/{result_id}/matches", headers=headers),
            anon.post("/api/v1/match", json={"text": "热镀锌 锌层", "target": "needs"}),
        ]
        if headers:
            answers += [
                anon.get("/api/v1/matches", headers=headers),
                anon.get(f"/api/v1/matches/{match_id}", headers=headers),
            ]
        for answer in answers:
            assert answer.status_code == 200, answer.text
            assert not _leaks(answer.json()), answer.request.url
        shown = answers[0].json()
        assert (shown["title"], shown["industry"], shown["zone"]) == (
            NEED["title"],
            NEED["industry"],
            NEED["zone"],
        )
        assert shown["current_state"] is None and shown["organization_id"] is None
        assert answers[2].json()["total"] == 1  # found by its title
        assert anon.get("/api/v1/needs", params={"q": "ZX-7"}, headers=headers).json()["total"] == 0
        assert answers[3].json()["items"][0]["explanation"]["terms"] == []
        assert answers[4].json()["items"][0]["need"]["id"] == need_id

    # The owner and staff read everything, and search finds the secret for them.
    for headers in (owner, dict(client.headers)):
        full = anon.get(f"/api/v1/needs/{need_id}", headers=headers).json()
        assert SECRET in full["description"] and full["budget_wan"] == 88
        found = anon.get("/api/v1/needs", params={"q": "ZX-7"}, headers=headers).json()
        assert found["total"] == 1
        matches = anon.get(f"/api/v1/needs/{need_id}/matches", headers=headers).json()
        assert matches["items"][0]["explanation"]["terms"]
