"""The zones' figures (考核评价) after real review work."""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi.testclient import TestClient

from tests.api.test_review import _move, _suggested


def test_figures_per_zone_and_source_region(client: TestClient) -> None:
    _, items = _suggested(client)  # one need in 沧州高新区; results from tianjin, cee, hebei
    by_region = {i["result_title"]: i["id"] for i in items}
    chinese = next(v for k, v in by_region.items() if "钢管热镀锌" in k)
    english = next(v for k, v in by_region.items() if "galvanizing" in k.lower())
    for step in ("shortlisted", "recommended", "connected"):
        _move(client, chinese, step)
    _move(
        client,
        chinese,
        "contracted",
        contract_type="transfer",
        contract_value_wan=58,
        contract_signed_on=dt.date.today().isoformat(),
        contract_registered=True,
    )
    _move(client, english, "rejected", reason="too_early")

    body = client.get("/api/v1/stats").json()
    rows = {(r["dimension"], r["key"]): r for r in body["rows"]}
    total = rows[("total", "all")]
    assert (total["needs"], total["results"]) == (1, 3)
    assert total["suggestions"] == len(items)
    assert (total["shortlisted"], total["recommended"], total["connected"], total["contracts"]) == (
        1,
        1,
        1,
        1,
    )
    assert total["contract_value_wan"] == 58
    assert total["median_days_to_contract"] is not None and total["median_days_to_contract"] < 1
    assert total["rejections"]["too_early"] == 1
    zone = rows[("zone", "cangzhou-hitech")]
    assert (zone["label"], zone["contracts"], zone["needs"]) == ("沧州高新区", 1, 1)
    assert rows[("zone", "zhongjie-hitech")]["suggestions"] == 0
    assert rows[("region", "jingjin")]["contracts"] == 1
    assert rows[("region", "cee")]["rejections"]["too_early"] == 1
    assert rows[("region", "cee")]["contracts"] == 0

    before = client.get("/api/v1/stats", params={"from": "2020-01-01", "to": "2020-12-31"}).json()
    assert {r["suggestions"] for r in before["rows"]} == {0}
    assert before["from"] == "2020-01-01"


def test_csv_and_bad_range(client: TestClient) -> None:
    _suggested(client)
    r = client.get("/api/v1/stats", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["key"] for row in table][:3] == ["all", "cangzhou-hitech", "zhongjie-hitech"]
    assert "rejected_too_early" in table[0]
    bad = client.get("/api/v1/stats", params={"from": "2027-01-02", "to": "2027-01-01"})
    assert bad.status_code == 422
    earliest = client.get("/api/v1/stats", params={"to": "0001-01-01"})  # a year before: none
    assert earliest.status_code == 200 and earliest.json()["from"] == "0001-01-01"
