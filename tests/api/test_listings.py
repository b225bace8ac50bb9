"""Creating, reading, changing, deleting, listing and searching listings over HTTP."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

NEED = {
    "title": "弯头内壁防腐涂层附着力差",
    "description": "埋地管线用碳钢弯头内壁喷涂环氧涂层后，半年内出现起泡和剥落，客户投诉多。",
    "current_state": "人工喷砂后喷涂两道环氧漆。",
    "targets": "附着力≥10 MPa，耐盐雾1000小时无起泡。",
    "industry": "pipeline-equipment",
    "zone": "cangzhou-hitech",
    "cooperation": ["transfer", "joint-development"],
    "budget_wan": 50,
    "deadline": "2027-06-30",
}
RESULT = {
    "title": "Fusion-bonded epoxy lining with graphene-oxide barrier for steel fittings",
    "abstract": "A two-layer FBE lining in which 0.5 wt% graphene oxide lengthens the diffusion "
    "path of water; pull-off adhesion 14 MPa, no blistering after 2000 h salt spray.",
    "keywords": ["fusion-bonded epoxy", "graphene oxide", "internal lining"],
    "region": "cee",
    "country": "PL",
    "lang": "en",
    "trl": 5,
    "ip": "patent",
    "cooperation": ["license"],
}


def test_need_round_trip(client: TestClient, enterprise: dict) -> None:
    created = client.post("/api/v1/needs", json={**NEED, "organization_id": enterprise["id"]})
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["code"].startswith("N")
    assert need["status"] == "open"
    # A listing without valid_until stays valid for a year.
    assert dt.date.fromisoformat(need["valid_until"]) > dt.date.today() + dt.timedelta(days=360)

    read = client.get(f"/api/v1/needs/{need['id']}").json()
    assert read["targets"] == NEED["targets"]
    assert read["cooperation"] == ["transfer", "joint-development"]

    changed = client.patch(f"/api/v1/needs/{need['id']}", json={"budget_wan": None})
    assert changed.status_code == 200
    assert changed.json()["budget_wan"] is None  # open budget (面议)
    assert changed.json()["title"] == NEED["title"]
    assert changed.json()["updated_at"] >= need["updated_at"]


def test_result_maturity_is_derived_from_trl(client: TestClient) -> None:
    r = client.post("/api/v1/results", json=RESULT)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["maturity"], body["stage"]) == ("pilot", "bench_tested")


def test_result_takes_institution_from_its_organization(
    client: TestClient, institute: dict
) -> None:
    r = client.post(
        "/api/v1/results",
        json={**RESULT, "region": "tianjin", "country": "CN", "organization_id": institute["id"]},
    )
    assert r.json()["institution"] == "河北工业大学"


def test_delete_is_soft_and_hides_from_default_list(client: TestClient) -> None:
    result = client.post("/api/v1/results", json=RESULT).json()
    deleted = client.delete(f"/api/v1/results/{result['id']}")
    assert deleted.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/results/{result['id']}").status_code == 200
    assert client.get("/api/v1/results").json()["total"] == 0
    listed = client.get("/api/v1/results", params={"status": "withdrawn"}).json()
    assert [item["id"] for item in listed["items"]] == [result["id"]]


def test_renew_extends_and_refuses_closed(client: TestClient) -> None:
    need = client.post("/api/v1/needs", json={**NEED, "valid_until": "2027-01-31"}).json()
    renewed = client.post(f"/api/v1/needs/{need['id']}/renew", json={"valid_until": "2028-03-31"})
    assert renewed.json()["valid_until"] == "2028-03-31"
    past = client.post(f"/api/v1/needs/{need['id']}/renew", json={"valid_until": "2020-01-01"})
    assert past.status_code == 422
    assert past.json()["detail"][0]["loc"] == ["body", "valid_until"]
    client.delete(f"/api/v1/needs/{need['id']}")
    closed = client.post(f"/api/v1/needs/{need['id']}/renew")
    assert closed.status_code == 409
    assert "closed" in closed.json()["detail"]


def test_list_paginates_with_total(client: TestClient) -> None:
    for i in range(7):
        client.post("/api/v1/needs", json={**NEED, "title": f"第{i}批弯头防腐问题"})
    page = client.get("/api/v1/needs", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == 7
    assert len(page["items"]) == 3
    everything = client.get("/api/v1/needs", params={"limit": 100}).json()["items"]
    assert page["items"] == everything[3:6]
    assert client.get("/api/v1/needs", params={"limit": 101}).status_code == 422


def test_filters(client: TestClient, enterprise: dict) -> None:
    client.post("/api/v1/needs", json=NEED)
    client.post(
        "/api/v1/needs",
        json={**NEED, "zone": "zhongjie-hitech", "industry": "aviation", "cooperation": ["equity"]},
    )

    def total(**params: str) -> int:
        return client.get("/api/v1/needs", params=params).json()["total"]

    assert total(zone="zhongjie-hitech") == 1
    assert total(industry="pipeline-equipment") == 1
    assert total(cooperation="equity") == 1
    assert total(cooperation="transfer") == 1
    assert total(cooperation="license") == 0
    client.post("/api/v1/results", json=RESULT)
    client.post("/api/v1/results", json={**RESULT, "country": "CZ", "trl": 8})
    assert client.get("/api/v1/results", params={"country": "CZ"}).json()["total"] == 1
    assert client.get("/api/v1/results", params={"maturity": "industrial"}).json()["total"] == 1
    assert (
        client.get("/api/v1/results", params={"region": "cee", "lang": "en"}).json()["total"] == 2
    )
    orgs = client.get("/api/v1/organizations", params={"industry": "pipeline-equipment"}).json()
    assert [o["code"] for o in orgs["items"]] == ["cz-hengda-pipe"]


def test_search_chinese_and_english(client: TestClient) -> None:
    client.post("/api/v1/needs", json=NEED)
    membrane = {
        "title": "ＰＶＤＦ中空纤维膜断丝",
        "description": "超滤膜组件运行半年断丝率高。",
        "current_state": None,
        "targets": None,
    }
    client.post("/api/v1/needs", json={**NEED, **membrane})
    client.post("/api/v1/results", json=RESULT)

    def titles(path: str, q: str) -> list[str]:
        return [i["title"] for i in client.get(path, params={"q": q}).json()["items"]]

    assert titles("/api/v1/needs", "环氧 起泡") == [NEED["title"]]
    assert titles("/api/v1/needs", "pvdf") == ["PVDF中空纤维膜断丝"]  # full width folded
    assert titles("/api/v1/needs", "环氧 断丝") == []  # every word must occur
    assert titles("/api/v1/results", "Graphene") == [RESULT["title"]]
    assert titles("/api/v1/results", "internal lining") == [RESULT["title"]]  # keywords too
    assert titles("/api/v1/results", "50%_") == []  # LIKE wildcards are literal


def test_health_reports_counts(client: TestClient, enterprise: dict) -> None:
    client.post("/api/v1/needs", json=NEED)
    body = client.get("/api/v1/health").json()
    assert body["database"] == "ok"
    assert body["counts"] == {"organizations": 1, "needs": 1, "results": 0}


def test_openapi_page(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/needs", "/api/v1/results/{item_id}", "/api/v1/organizations"} <= set(paths)
