"""Bad input gets a 4xx that names the field, never a 500, and writes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.test_listings import NEED, RESULT


def _fields(response) -> set[str]:  # noqa: ANN001
    return {str(e["loc"][-1]) for e in response.json()["detail"]}


def _count(client: TestClient, path: str) -> int:
    """Rows stored, whatever their status."""
    kind = path.rsplit("/", 1)[-1]
    return client.get("/api/v1/health").json()["counts"][kind]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"industry": "steelmaking"}, "industry"),
        ({"zone": "beijing"}, "zone"),
        ({"cooperation": ["barter"]}, 0),
        ({"budget_wan": -5}, "budget_wan"),
        ({"budget_wan": "很多"}, "budget_wan"),
        ({"deadline": "2027-02-30"}, "deadline"),
        ({"title": "长" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"title": "含\u0000字符"}, "title"),
        ({"confidential": "maybe"}, "confidential"),
        ({"organization_id": 2**40}, "organization_id"),
        ({"status": "archived"}, "status"),
    ],
)
def test_invalid_need_fields(client: TestClient, change: dict, field: str | int) -> None:
    before = _count(client, "/api/v1/needs")
    r = client.post("/api/v1/needs", json={**NEED, **change})
    assert r.status_code == 422, r.text
    assert str(field) in _fields(r)
    assert _count(client, "/api/v1/needs") == before


def test_missing_required_fields_are_all_named(client: TestClient) -> None:
    r = client.post("/api/v1/needs", json={"title": "只有标题"})
    assert r.status_code == 422
    assert {"description", "industry", "zone"} <= _fields(r)


def test_unknown_organization_is_named(client: TestClient) -> None:
    r = client.post("/api/v1/needs", json={**NEED, "organization_id": 999_999})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "organization_id"]


def test_need_owner_must_be_an_enterprise(client: TestClient, institute: dict) -> None:
    r = client.post("/api/v1/needs", json={**NEED, "organization_id": institute["id"]})
    assert r.status_code == 422
    assert "enterprise" in r.json()["detail"][0]["msg"]


def test_contradictory_maturity(client: TestClient) -> None:
    r = client.post("/api/v1/results", json={**RESULT, "maturity": "industrial", "trl": 3})
    assert r.status_code == 422
    assert "maturity" in r.json()["detail"][0]["msg"]
    r = client.post("/api/v1/results", json={**RESULT, "country": "CN"})
    assert r.status_code == 422
    assert "country" in r.json()["detail"][0]["msg"]
    assert _count(client, "/api/v1/results") == 0


def test_patch_revalidates_the_whole_listing(client: TestClient) -> None:
    result = client.post("/api/v1/results", json={**RESULT, "trl": 8}).json()
    r = client.patch(f"/api/v1/results/{result['id']}", json={"maturity": "lab"})
    assert r.status_code == 422
    r = client.patch(f"/api/v1/results/{result['id']}", json={"title": None})
    assert r.status_code == 422
    assert _fields(r) == {"title"}
    assert client.get(f"/api/v1/results/{result['id']}").json()["maturity"] == "industrial"


def test_malformed_json(client: TestClient) -> None:
    r = client.post(
        "/api/v1/needs", content=b'{"title": "x",', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert "not valid JSON" in r.json()["detail"][0]["msg"]


def test_invalid_utf8(client: TestClient) -> None:
    r = client.post(
        "/api/v1/needs",
        content=b'{"title": "\xff\xfe", "description": "x"}',
        headers={"content-type": "application/json"},
    )
    assert 400 <= r.status_code < 500
    assert _count(client, "/api/v1/needs") == 0


def test_lone_surrogate_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/needs",
        content=(
            b'{"title": "\\ud800", "description": "x", "industry": "plastics",'
            b' "zone": "cangzhou-hitech"}'
        ),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert "title" in _fields(r)


def test_duplicate_code_is_a_conflict(client: TestClient) -> None:
    assert client.post("/api/v1/needs", json={**NEED, "code": "CZ-2027-001"}).status_code == 201
    r = client.post("/api/v1/needs", json={**NEED, "code": "CZ-2027-001"})
    assert r.status_code == 409
    assert "CZ-2027-001" in r.json()["detail"]
    assert _count(client, "/api/v1/needs") == 1


@pytest.mark.parametrize(
    "path", ["/api/v1/needs/0", "/api/v1/needs/abc", "/api/v1/results/99999999999999999999"]
)
def test_bad_ids(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 422


def test_unknown_id_is_404(client: TestClient) -> None:
    r = client.patch("/api/v1/results/424242", json={"title": "新标题"})
    assert r.status_code == 404
    assert r.json() == {"detail": "result 424242 not found"}


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"offset": -1}, {"industry": "textiles"}, {"q": "x" * 201}, {"q": "a\x00"}],
)
def test_bad_list_parameters(client: TestClient, params: dict) -> None:
    r = client.get("/api/v1/needs", params=params)
    assert r.status_code == 422
    assert set(params) & _fields(r)
