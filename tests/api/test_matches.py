"""Match endpoints as a client uses them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.services.test_matching import ENGLISH, NEED, UNRELATED, ZINC


def _setup(client: TestClient) -> tuple[int, list[int]]:
    need = client.post("/api/v1/needs", json=NEED).json()["id"]
    results = [
        client.post("/api/v1/results", json=r).json()["id"] for r in (ZINC, ENGLISH, UNRELATED)
    ]
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    return need, results


def test_results_for_a_need(client: TestClient) -> None:
    need, (zinc, english, unrelated) = _setup(client)
    body = client.get(f"/api/v1/needs/{need}/matches", params={"limit": 5}).json()
    ids = [item["result"]["id"] for item in body["items"]]
    assert set(ids[:2]) == {zinc, english}
    first = body["items"][0]
    assert first["rank"] == 1 and 0 < first["score"] <= 1 and 0 <= first["percentile"] <= 100
    terms = first["explanation"]["terms"]
    assert terms and all({"channel", "label", "score", "bridge"} <= set(t) for t in terms)
    english_item = next(i for i in body["items"] if i["result"]["id"] == english)
    assert any(t["bridge"] for t in english_item["explanation"]["terms"])
    assert {f["field"] for f in first["explanation"]["fields"]} == {
        "cooperation",
        "money",
        "maturity",
    }
    assert body["matcher_version"] and body["index_version"] >= 1


def test_filters_as_query_parameters(client: TestClient) -> None:
    need, (zinc, english, _) = _setup(client)

    def ids(**params: object) -> list[int]:
        body = client.get(f"/api/v1/needs/{need}/matches", params=params).json()
        return [item["result"]["id"] for item in body["items"]]

    assert ids(region_group="cee") == [english]
    assert ids(country="SK") == [english]
    assert english not in ids(min_trl=7)
    assert ids(min_maturity="industrial") == [zinc]
    assert zinc in ids(within_budget="true")  # 50 ≤ 60
    bad = client.get(f"/api/v1/needs/{need}/matches", params={"region_group": "mars"})
    assert bad.status_code == 422


def test_needs_for_a_result_hide_need_text(client: TestClient) -> None:
    need, (zinc, _, _) = _setup(client)
    body = client.get(f"/api/v1/results/{zinc}/matches").json()
    assert [item["need"]["id"] for item in body["items"]] == [need]
    assert "description" not in body["items"][0]["need"]


def test_ad_hoc_text(client: TestClient) -> None:
    _, (zinc, english, _) = _setup(client)
    body = client.post(
        "/api/v1/match",
        json={"text": "镀锌层附着力不好，起皮", "budget_wan": 100, "filters": {"limit": 3}},
    ).json()
    assert {item["result"]["id"] for item in body["items"][:2]} == {zinc, english}
    needs = client.post(
        "/api/v1/match", json={"text": "hot-dip galvanizing", "lang": "en", "target": "needs"}
    ).json()
    assert len(needs["items"]) == 1
    assert client.post("/api/v1/match", json={"text": ""}).status_code == 422


def test_unknown_listing_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/needs/987654/matches").status_code == 404
    assert client.get("/api/v1/results/987654/matches").status_code == 404
