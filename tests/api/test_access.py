"""Logging in, and every path a user may not take: anonymous writes are 401, the wrong
owner gets 403 (404 where even existence is private), parties see their matches only once
staff recommend them, and contact details follow the same rule."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.services.test_matching import NEED, UNRELATED, ZINC
from tests.support import PASSWORD, TEST_SECRET, bearer, make_user

OPEN_POSTS = {"/api/v1/auth/token", "/api/v1/match"}  # log in; rank a text (writes nothing)


def _org(client: TestClient, code: str, kind: str, name: str, **extra: object) -> dict:
    r = client.post(
        "/api/v1/organizations",
        json={"code": code, "name": name, "kind": kind, "region": "cangzhou-hitech", **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


# --------------------------------------------------------------------------- logging in


def test_password_login_gives_an_expiring_bearer_token(
    client: TestClient, anon: TestClient, engine
) -> None:  # noqa: ANN001
    user = make_user(engine, "staff", username="wangmin")
    r = anon.post("/api/v1/auth/token", data={"username": "wangmin", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()
    assert token["token_type"] == "bearer" and token["expires_in"] > 0
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert anon.get("/api/v1/users/me", headers=headers).json()["username"] == "wangmin"

    for username, password in (("wangmin", "wrong-password"), ("nobody", PASSWORD)):
        bad = anon.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    expired = jwt.encode(
        {"sub": str(user.id), "exp": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)},
        TEST_SECRET,
        algorithm="HS256",
    )
    forged = jwt.encode(
        {"sub": str(user.id), "exp": 4102444800},
        "a-guessed-secret-of-a-decent-length!",
        algorithm="HS256",
    )
    for token_text in (expired, forged, "not-a-token"):
        r = anon.get("/api/v1/needs", headers={"Authorization": f"Bearer {token_text}"})
        assert r.status_code == 401  # a bad token is refused, never taken as anonymous
    # A disabled user's token stops working at once.
    admin = bearer(make_user(engine, "admin", username="root"))
    assert anon.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=admin).is_success
    assert anon.get("/api/v1/users/me", headers=headers).status_code == 401
    login = anon.post("/api/v1/auth/token", data={"username": "wangmin", "password": PASSWORD})
    assert login.status_code == 401


def test_every_write_needs_a_login(client: TestClient, anon: TestClient) -> None:
    """Every operation that writes, found from the OpenAPI document, refuses an anonymous
    request with 401 — before looking at its (here empty) body."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    writes = [
        (method, path.replace("{item_id}", "1"))
        for path, operations in paths.items()
        for method in operations
        if method in ("post", "patch", "put", "delete") and path not in OPEN_POSTS
    ]
    assert len(writes) >= 15
    for method, path in writes:
        r = anon.request(method.upper(), path, json={})
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert r.headers["www-authenticate"] == "Bearer"
    # Reading needs no login.
    for path in ("/api/v1/needs", "/api/v1/results", "/api/v1/organizations", "/api/v1/stats"):
        assert anon.get(path).status_code == 200
    assert anon.get("/api/v1/matches").status_code == 401  # the review queue is not public


# --------------------------------------------------------------------------- listings


def test_organizations_write_only_their_own_listings(
    client: TestClient, anon: TestClient, engine
) -> None:  # noqa: ANN001
    hengda = _org(client, "hengda", "enterprise", "沧州恒达管件制造有限公司")
    mingzhu = _org(client, "mingzhu", "enterprise", "沧州明珠塑料股份有限公司")
    hebut = _org(client, "hebut", "institute", "河北工业大学")
    tju = _org(client, "tju", "institute", "天津大学")
    ent = bearer(make_user(engine, "enterprise", hengda["id"]))
    other_ent = bearer(make_user(engine, "enterprise", mingzhu["id"]))
    inst = bearer(make_user(engine, "institute", hebut["id"]))

    # An enterprise posts needs for itself (its organization by default), never for others.
    mine = anon.post("/api/v1/needs", json=NEED, headers=ent)
    assert mine.status_code == 201 and mine.json()["organization_id"] == hengda["id"]
    need_id = mine.json()["id"]
    foreign = {**NEED, "organization_id": mingzhu["id"]}
    assert anon.post("/api/v1/needs", json=foreign, headers=ent).status_code == 403
    assert anon.post("/api/v1/results", json=ZINC, headers=ent).status_code == 403
    assert anon.post("/api/v1/needs", json=NEED, headers=inst).status_code == 403

    # Only the owner (or staff) edits, renews or closes a need.
    for headers in (other_ent, inst):
        assert (
            anon.patch(
                f"/api/v1/needs/{need_id}", json={"title": "改"}, headers=headers
            ).status_code
            == 403
        )
        assert anon.post(f"/api/v1/needs/{need_id}/renew", headers=headers).status_code == 403
        assert anon.delete(f"/api/v1/needs/{need_id}", headers=headers).status_code == 403
    edited = anon.patch(f"/api/v1/needs/{need_id}", json={"budget_wan": 60}, headers=ent)
    assert edited.status_code == 200 and edited.json()["budget_wan"] == 60
    handed = anon.patch(
        f"/api/v1/needs/{need_id}", json={"organization_id": mingzhu["id"]}, headers=ent
    )
    assert handed.status_code == 403
    assert client.get(f"/api/v1/needs/{need_id}").json()["organization_id"] == hengda["id"]

    # Institutes the same for results.
    result = anon.post("/api/v1/results", json=ZINC, headers=inst)
    assert result.status_code == 201 and result.json()["organization_id"] == hebut["id"]
    theirs = client.post(
        "/api/v1/results", json={**UNRELATED, "organization_id": tju["id"]}
    ).json()["id"]
    assert anon.patch(f"/api/v1/results/{theirs}", json={"trl": 6}, headers=inst).status_code == 403
    assert anon.delete(f"/api/v1/results/{theirs}", headers=ent).status_code == 403

    # Organizations: staff register them; a user keeps its own details up to date.
    assert (
        anon.post(
            "/api/v1/organizations",
            json={"code": "x", "name": "某公司", "kind": "enterprise", "region": "cangzhou-hitech"},
            headers=ent,
        ).status_code
        == 403
    )
    own = anon.patch(
        f"/api/v1/organizations/{hengda['id']}", json={"contact_phone": "0317-5551234"}, headers=ent
    )
    assert own.status_code == 200
    assert (
        anon.patch(
            f"/api/v1/organizations/{mingzhu['id']}", json={"contact_phone": "1"}, headers=ent
        ).status_code
        == 403
    )
    assert (
        anon.patch(
            f"/api/v1/organizations/{hengda['id']}", json={"kind": "institute"}, headers=ent
        ).status_code
        == 403
    )
    assert anon.delete(f"/api/v1/organizations/{hengda['id']}", headers=ent).status_code == 403


def test_contact_details_are_for_the_organization_and_staff(
    client: TestClient, anon: TestClient, engine
) -> None:  # noqa: ANN001
    org = _org(
        client,
        "hengda",
        "enterprise",
        "沧州恒达管件制造有限公司",
        contact_name="刘建国",
        contact_phone="0317-5551234",
    )
    member = bearer(make_user(engine, "enterprise", org["id"]))
    assert anon.get(f"/api/v1/organizations/{org['id']}").json()["contact_phone"] is None
    listed = anon.get("/api/v1/organizations").json()["items"][0]
    assert listed["name"] == org["name"] and listed["contact_name"] is None
    for headers in (member, dict(client.headers)):
        shown = anon.get(f"/api/v1/organizations/{org['id']}", headers=headers).json()
        assert shown["contact_phone"] == "0317-5551234"


# --------------------------------------------------------------------------- matches


@pytest.fixture
def parties(client: TestClient, engine) -> dict:  # noqa: ANN001
    """An enterprise need and an institute result the matcher pairs, with a user each."""
    hengda = _org(
        client, "hengda", "enterprise", "沧州恒达管件制造有限公司", contact_phone="0317-5551234"
    )
    hebut = _org(client, "hebut", "institute", "河北工业大学", contact_email="tt@hebut.edu.cn")
    tju = _org(client, "tju", "institute", "天津大学")
    need = client.post("/api/v1/needs", json={**NEED, "organization_id": hengda["id"]}).json()
    result = client.post("/api/v1/results", json={**ZINC, "organization_id": hebut["id"]}).json()
    other = client.post("/api/v1/results", json={**UNRELATED, "organization_id": tju["id"]}).json()
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    client.post("/api/v1/matches/refresh")
    match = client.get(
        "/api/v1/matches", params={"need_id": need["id"], "result_id": result["id"]}
    ).json()["items"][0]
    return {
        "need": need,
        "result": result,
        "other_result": other,
        "match": match["id"],
        "enterprise": bearer(make_user(engine, "enterprise", hengda["id"])),
        "institute": bearer(make_user(engine, "institute", hebut["id"])),
        "outsider": bearer(make_user(engine, "institute", tju["id"])),
    }


def test_parties_see_their_matches_from_recommended_on(
    client: TestClient, anon: TestClient, parties: dict
) -> None:
    match = parties["match"]
    ent, inst, outsider = parties["enterprise"], parties["institute"], parties["outsider"]
    for headers in (ent, inst, outsider):  # still under review: private to staff
        assert anon.get("/api/v1/matches", headers=headers).json()["total"] == 0
        assert anon.get(f"/api/v1/matches/{match}", headers=headers).status_code == 404
        assert anon.get(f"/api/v1/matches/{match}/history", headers=headers).status_code == 404
        moved = anon.post(
            f"/api/v1/matches/{match}/transitions", json={"to": "withdrawn"}, headers=headers
        )
        assert moved.status_code == 404
    staff_view = client.get(f"/api/v1/matches/{match}").json()
    assert staff_view["need_contact"]["contact_phone"] == "0317-5551234"

    for to in ("shortlisted", "recommended"):
        assert client.post(f"/api/v1/matches/{match}/transitions", json={"to": to}).is_success
    for headers in (ent, inst):
        queue = anon.get("/api/v1/matches", params={"status": "recommended"}, headers=headers)
        assert [i["id"] for i in queue.json()["items"]] == [match]
        seen = anon.get(f"/api/v1/matches/{match}", headers=headers).json()
        assert seen["allowed"] == ["withdrawn"]  # the rest is for staff
        # Now each side has the other's contact.
        assert seen["need_contact"]["contact_phone"] == "0317-5551234"
        assert seen["result_contact"]["contact_email"] == "tt@hebut.edu.cn"
        assert anon.get(f"/api/v1/matches/{match}/history", headers=headers).status_code == 200
    assert anon.get(f"/api/v1/matches/{match}", headers=outsider).status_code == 404
    assert anon.get("/api/v1/matches", headers=outsider).json()["total"] == 0

    # Parties answer for their own side only, and may not move the match along.
    step = anon.post(f"/api/v1/matches/{match}/transitions", json={"to": "connected"}, headers=ent)
    assert step.status_code == 403
    wrong_side = anon.post(
        f"/api/v1/matches/{match}/responses",
        json={"response": "interested", "side": "result"},
        headers=ent,
    )
    assert wrong_side.status_code == 403
    yes = anon.post(
        f"/api/v1/matches/{match}/responses", json={"response": "interested"}, headers=ent
    )
    assert yes.status_code == 200 and yes.json()["need_response"] == "interested"
    no = anon.post(
        f"/api/v1/matches/{match}/responses",
        json={"response": "declined", "reason": "cost", "note": "报价超出预算"},
        headers=inst,
    )
    assert no.json()["result_response"] == "declined"
    history = client.get(f"/api/v1/matches/{match}/history").json()["events"]
    assert [e["actor"] for e in history[-2:]] == [
        "enterprise-" + str(parties["need"]["organization_id"]),
        "institute-" + str(parties["result"]["organization_id"]),
    ]
    # Either party may withdraw.
    gone = anon.post(f"/api/v1/matches/{match}/transitions", json={"to": "withdrawn"}, headers=inst)
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


def test_review_is_for_staff_and_interest_for_institutes(
    client: TestClient, anon: TestClient, parties: dict, engine
) -> None:  # noqa: ANN001
    match, need = parties["match"], parties["need"]["id"]
    ent, inst = parties["enterprise"], parties["institute"]
    assert anon.post("/api/v1/matches/refresh", headers=inst).status_code == 403
    # An institute says one of its results fits a need: a suggestion staff then review.
    client.post(f"/api/v1/matches/{match}/transitions", json={"to": "rejected", "reason": "other"})
    own = {"need_id": need, "result_id": parties["other_result"]["id"]}
    assert anon.post("/api/v1/matches", json=own, headers=inst).status_code == 403  # not theirs
    assert anon.post("/api/v1/matches", json=own, headers=ent).status_code == 403
    interest = anon.post("/api/v1/matches", json=own, headers=parties["outsider"])
    assert interest.status_code == 201
    assert (interest.json()["origin"], interest.json()["status"]) == ("institute", "suggested")
    # Managing users is for admins.
    new_user = {"username": "zhaolei", "password": "a-long-password", "role": "staff"}
    assert (
        anon.post("/api/v1/users", json=new_user, headers=dict(client.headers)).status_code == 403
    )
    assert anon.get("/api/v1/users", headers=ent).status_code == 403
    admin = bearer(make_user(engine, "admin", username="root"))
    made = anon.post("/api/v1/users", json=new_user, headers=admin)
    assert made.status_code == 201 and "password" not in made.text
    again = anon.post("/api/v1/users", json=new_user, headers=admin)
    assert again.status_code == 409
    orphan = anon.post(
        "/api/v1/users",
        json={"username": "lihua", "password": "a-long-password", "role": "enterprise"},
        headers=admin,
    )
    assert orphan.status_code == 422 and orphan.json()["detail"][0]["loc"] == [
        "body",
        "organization_id",
    ]
    assert anon.get("/api/v1/users", headers=admin).json()["total"] >= 5
