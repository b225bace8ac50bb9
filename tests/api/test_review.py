"""The review workflow as staff and the two parties use it over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.services.test_matching import ENGLISH, NEED, UNRELATED, ZINC


def _suggested(client: TestClient) -> tuple[int, list[dict]]:
    need = client.post("/api/v1/needs", json=NEED).json()["id"]
    for r in (ZINC, ENGLISH, UNRELATED):
        client.post("/api/v1/results", json=r)
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    summary = client.post("/api/v1/matches/refresh").json()
    assert summary["created"] >= 2
    queue = client.get("/api/v1/matches", params={"need_id": need}).json()
    return need, queue["items"]


def _move(client: TestClient, match_id: int, to: str, **extra: object):  # noqa: ANN202
    return client.post(
        f"/api/v1/matches/{match_id}/transitions",
        json={"to": to, **extra},
    )


def test_suggestions_are_stored_once_and_reviewed_ones_kept(client: TestClient) -> None:
    need, items = _suggested(client)
    assert [i["status"] for i in items] == ["suggested"] * len(items)
    assert items[0]["score"] >= items[-1]["score"]
    assert items[0]["explanation"]["terms"]
    first = items[0]["id"]
    _move(client, first, "shortlisted", note="技术对口")
    again = client.post("/api/v1/matches/refresh").json()
    assert again["created"] == 0
    queue = client.get("/api/v1/matches", params={"need_id": need}).json()
    assert queue["total"] == len(items)  # no pair twice
    assert {i["id"]: i["status"] for i in queue["items"]}[first] == "shortlisted"


def test_the_whole_way_to_a_contract(client: TestClient) -> None:
    _, items = _suggested(client)
    match = items[0]["id"]
    assert _move(client, match, "shortlisted").json()["allowed"] == [
        "recommended",
        "rejected",
        "withdrawn",
    ]
    _move(client, match, "recommended", note="推荐给双方")
    r = client.post(
        f"/api/v1/matches/{match}/responses",
        json={"side": "need", "response": "interested"},
    )
    assert r.json()["need_response"] == "interested"
    _move(client, match, "connected", note="双方在中捷高新区对接")
    incomplete = _move(client, match, "contracted", contract_type="license")
    assert incomplete.status_code == 422
    assert {e["loc"][-1] for e in incomplete.json()["detail"]} == {
        "contract_value_wan",
        "contract_signed_on",
    }
    done = _move(
        client,
        match,
        "contracted",
        contract_type="license",
        contract_value_wan=45,
        contract_signed_on="2027-03-18",
        contract_registered=True,
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["contract_value_wan"], body["allowed"]) == ("contracted", 45, [])
    history = client.get(f"/api/v1/matches/{match}/history").json()["events"]
    steps = [(e["from_status"], e["to_status"]) for e in history]
    assert steps == [
        (None, "suggested"),
        ("suggested", "shortlisted"),
        ("shortlisted", "recommended"),
        ("recommended", "recommended"),  # the need side's response
        ("recommended", "connected"),
        ("connected", "contracted"),
    ]
    assert history[2]["note"] == "推荐给双方" and history[2]["actor"] == "staff"
    assert history[0]["actor"] == "matcher"


def test_transitions_outside_the_machine_are_409(client: TestClient) -> None:
    _, items = _suggested(client)
    match = items[0]["id"]
    r = _move(client, match, "contracted")
    assert r.status_code == 409
    assert "shortlisted, rejected, withdrawn" in r.json()["detail"]
    no_reason = _move(client, match, "rejected")
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"][-1] == "reason"
    rejected = _move(client, match, "rejected", reason="too_early", note="仍在实验室阶段")
    assert rejected.json()["reject_reason"] == "too_early"
    assert _move(client, match, "shortlisted").status_code == 409  # closed
    early = client.post(
        f"/api/v1/matches/{items[1]['id']}/responses",
        json={"side": "result", "response": "interested"},
    )
    assert early.status_code == 409


def test_manual_match_and_conflicts(client: TestClient) -> None:
    need, items = _suggested(client)
    taken = items[0]["result_id"]
    r = client.post("/api/v1/matches", json={"need_id": need, "result_id": taken})
    assert r.status_code == 409
    other = client.post("/api/v1/results", json={**UNRELATED, "title": "另一项益生菌成果"}).json()
    r = client.post(
        "/api/v1/matches",
        json={"need_id": need, "result_id": other["id"], "note": "电话沟通后补录"},
    )
    assert r.status_code == 201
    assert (r.json()["origin"], r.json()["status"], r.json()["score"]) == (
        "staff",
        "suggested",
        None,
    )
    history = client.get(f"/api/v1/matches/{r.json()['id']}/history").json()["events"]
    assert (history[0]["actor"], history[0]["note"]) == ("staff", "电话沟通后补录")
    missing = client.post("/api/v1/matches", json={"need_id": 999999, "result_id": taken})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "need_id"]


def test_queue_filters_and_sorting(client: TestClient) -> None:
    _, items = _suggested(client)
    by_score = client.get("/api/v1/matches", params={"sort": "score"}).json()["items"]
    assert [i["score"] for i in by_score] == sorted((i["score"] for i in by_score), reverse=True)
    cee = client.get("/api/v1/matches", params={"region_group": "cee"}).json()
    assert cee["total"] == 1 and "galvanizing" in cee["items"][0]["result_title"].lower()
    assert client.get("/api/v1/matches", params={"zone": "zhongjie-hitech"}).json()["total"] == 0
    high = client.get("/api/v1/matches", params={"min_score": 0.99}).json()
    assert high["total"] == 0
    _move(client, items[0]["id"], "shortlisted")
    shortlisted = client.get("/api/v1/matches", params={"status": "shortlisted"}).json()
    assert [i["id"] for i in shortlisted["items"]] == [items[0]["id"]]
    aged = client.get("/api/v1/matches", params={"sort": "age"}).json()["items"]
    assert aged[-1]["id"] == items[0]["id"]  # just changed: waiting the shortest
    assert client.get("/api/v1/matches/424242/history").status_code == 404


def test_staff_set_the_suggestion_threshold(client: TestClient, anon: TestClient, engine) -> None:  # noqa: ANN001
    from tests.support import bearer, make_user

    assert client.get("/api/v1/matches/settings").json() == {"min_score": 0.05}
    need = client.post("/api/v1/needs", json=NEED).json()["id"]
    for r in (ZINC, ENGLISH, UNRELATED):
        client.post("/api/v1/results", json=r)
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    scores = [i["score"] for i in client.get(f"/api/v1/needs/{need}/matches").json()["items"]]
    between = (scores[0] + scores[1]) / 2  # only the best result clears it
    r = client.put("/api/v1/matches/settings", json={"min_score": between})
    assert r.status_code == 200 and r.json()["min_score"] == between
    assert client.post("/api/v1/matches/refresh").json()["created"] == 1
    bad = client.put("/api/v1/matches/settings", json={"min_score": 1.5})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "min_score"]
    outsider = bearer(make_user(engine, "institute"))
    assert (
        anon.put("/api/v1/matches/settings", json={"min_score": 0}, headers=outsider).status_code
        == 403
    )
    assert client.get("/api/v1/matches/settings").json()["min_score"] == between
