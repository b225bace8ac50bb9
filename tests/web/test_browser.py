"""The pages in a real browser (Debian's Chromium driven by Playwright) against a live
``techmatch serve --demo``: staff review a match, an enterprise sees suggestions while typing,
an institute's bad spreadsheet row is reported with nothing written, and an anonymous visitor
never sees confidential text. Screenshots of the main pages go to test-artifacts/screenshots
(git-ignored): look at them."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import Server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TECHMATCH"))}
    server = Server("--demo", cwd=folder, env=env)
    try:
        server.wait_ready()
        passwords = {
            user: password
            for _, user, password in re.findall(
                r"(\w+) +username (\w+) +password (\S+)", server.log()
            )
        }
        yield {"base": server.base, "passwords": passwords, "db": folder / "techmatch.db"}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _page(browser, demo: dict, user: str | None = None):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=demo["base"])
    page = context.new_page()
    if user:
        page.goto("/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", demo["passwords"][user])
        page.click("form.stack button")
        page.wait_for_url(re.compile(r"^(?!.*/login)"))
    return page


def _shot(page, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_review_a_match_to_recommended(browser, demo: dict) -> None:  # noqa: ANN001
    page = _page(browser, demo, "staff")
    page.goto("/review")
    page.select_option("select[name=status]", "suggested")
    page.select_option("select[name=zone]", "zhongjie-hitech")
    page.select_option("select[name=sort]", "score")
    page.click("#queue-filters button")
    page.wait_for_url(re.compile(r"zone=zhongjie-hitech"))
    rows = page.locator("table.queue tbody tr")
    assert rows.count() >= 5
    _shot(page, "staff-review-queue")
    page.locator("table.queue tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/review/\d+$"))
    assert page.locator("mark.term").count() > 0  # shared terms marked in both texts
    assert "中捷高新区" in page.locator(".side").first.inner_text()
    page.fill("textarea[name=note]", "技术路线对口，企业预算覆盖报价")
    page.click("button[value=shortlisted]")
    page.wait_for_url(re.compile(r"done=shortlisted"))
    page.fill("textarea[name=note]", "已与双方电话确认，推荐下周在中捷高新区现场对接")
    page.click("button[value=recommended]")
    page.wait_for_url(re.compile(r"done=recommended"))
    history = page.locator("ol.history").inner_text()
    assert "已推荐" in history and "推荐下周在中捷高新区现场对接" in history and "staff" in history
    assert page.locator(".match-head .status").inner_text() == "已推荐"
    _shot(page, "staff-match")
    page.goto("/dashboard")
    assert page.locator("svg.chart").count() >= 6
    _shot(page, "staff-dashboard")
    page.context.close()


def test_enterprise_sees_suggestions_while_typing(browser, demo: dict) -> None:  # noqa: ANN001
    page = _page(browser, demo, "enterprise")
    page.goto("/my/needs/new")
    page.type("input[name=title]", "反渗透膜污堵，产水量下降", delay=20)
    page.type(
        "textarea[name=description]",
        "园区中水回用反渗透系统运行三个月后膜污堵严重，跨膜压差升高，化学清洗频繁，产水量下降约30%。",
        delay=5,
    )
    suggestions = page.locator("#draft-panel .suggestions li")
    suggestions.first.wait_for(timeout=10_000)
    assert suggestions.count() >= 3
    assert page.locator("#draft-panel .checklist li[data-field=budget_wan]").count() == 1
    page.fill("textarea[name=targets]", "清洗周期延长到60天以上，产水量恢复到设计值95%")
    page.fill("input[name=budget_wan]", "80")
    page.check("input[name=cooperation][value=commissioned]")
    page.fill("input[name=deadline]", "2027-06-30")
    page.select_option("select[name=industry]", "membranes-water")
    page.select_option("select[name=zone]", "cangzhou-hitech")
    page.wait_for_function(
        "!document.querySelector('#draft-panel .checklist li[data-field=budget_wan]')"
    )
    _shot(page, "enterprise-need-form")
    page.click("#need-form button.primary")
    page.wait_for_url(re.compile(r"/needs/\d+\?done=saved"))
    assert "反渗透膜污堵" in page.locator("h1").inner_text()
    _shot(page, "enterprise-need")
    page.goto("/my/matches")
    _shot(page, "enterprise-matches")
    page.context.close()


def test_institute_import_with_a_bad_row_writes_nothing(
    browser, demo: dict, tmp_path: Path
) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "abstract", "keywords", "region", "maturity", "trl", "cooperation"])
    sheet.append(
        [
            "高炉煤气余压发电透平叶片防积灰涂层",
            "在TRT透平叶片表面制备疏水耐磨复合涂层，积灰速率降低60%，检修周期由3个月延长到9个月。",
            "TRT|叶片涂层|积灰",
            "hebei",
            "pilot",
            6,
            "license|commissioned",
        ]
    )
    sheet.append(["缺少简介的一行", None, "涂层", "hebei", "pilot", 5, "license"])
    sheet.append(
        ["TRL 与成熟度矛盾", "实验室阶段的耐磨涂层配方。", "涂层", "hebei", "industrial", 3, ""]
    )
    path = tmp_path / "成果批量导入.xlsx"
    book.save(path)

    api = f"{demo['base']}/api/v1/results"
    before = httpx.get(api, params={"limit": 1}).json()["total"]
    page = _page(browser, demo, "institute")
    page.goto("/my/results/import")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.upload button")
    page.wait_for_load_state()
    report = page.locator(".report")
    assert "未写入任何数据" in report.inner_text()
    rows = page.locator("table.errors tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == ["3", "4"]
    assert "abstract" in rows.nth(0).inner_text() and "contradicts" in rows.nth(1).inner_text()
    _shot(page, "institute-import-errors")
    assert httpx.get(api, params={"limit": 1}).json()["total"] == before
    page.goto("/my/results")
    _shot(page, "institute-results")
    page.context.close()


def test_anonymous_visitor_sees_no_confidential_text(browser, demo: dict) -> None:  # noqa: ANN001
    with sqlite3.connect(demo["db"]) as db:
        secrets_ = db.execute(
            "SELECT id, title, description, targets FROM tech_need WHERE confidential"
        ).fetchall()
    assert secrets_, "the demo data holds confidential needs"
    page = _page(browser, demo)
    seen = []
    for path in ("/", "/needs", "/needs?limit=100", *(f"/needs/{s[0]}" for s in secrets_)):
        page.goto(path)
        seen.append(page.locator("body").inner_text())
    page.goto("/results")
    page.locator("article.card a.card-title").first.click()
    seen.append(page.locator("body").inner_text())
    _shot(page, "public-result")
    for _, _title, description, targets in secrets_:
        for text in seen:
            assert description[:30] not in text
            assert not targets or targets[:20] not in text
    assert any(secrets_[0][1] in text for text in seen)  # the title is public
    page.goto("/")
    _shot(page, "public-home")
    page.goto("/results?region=cee")
    _shot(page, "public-results-cee")
    page.goto(f"/needs/{secrets_[0][0]}")
    _shot(page, "public-confidential-need")
    page.context.close()
