"""The pages as a browser without scripts sees them: logging in, CSRF, the language switch,
forms that validate like the API, imports that write nothing when a row is bad, and no
confidential text for outsiders."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from models.users import User
from techmatch.services.users import issue_token
from techmatch.web.i18n import translations
from tests.api.test_confidential import CONFIDENTIAL, SECRET
from tests.services.test_matching import NEED, ZINC
from tests.support import make_user, settings_for_tests

CSRF = "test-csrf-token-0123456789"


def _as(client: TestClient, user=None) -> TestClient:  # noqa: ANN001
    """A browser on the same app: logged in as ``user`` (or anonymous), with a CSRF cookie."""
    browser = TestClient(client.app, follow_redirects=False)
    browser.cookies.set("tm_csrf", CSRF)
    if user is not None:
        browser.cookies.set("tm_session", issue_token(user, settings_for_tests()).token)
    return browser


def _org(client: TestClient, code: str, kind: str, name: str) -> int:
    r = client.post(
        "/api/v1/organizations",
        json={"code": code, "name": name, "kind": kind, "region": "cangzhou-hitech"},
    )
    return int(r.json()["id"])


def test_every_message_has_a_chinese_translation() -> None:
    import techmatch.web as web

    root = web.STATIC.parent
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    zh = translations("zh")
    found = [
        m
        for *_, m, _, _ in extract_from_dir(
            root, method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
        )
    ]
    assert len(found) > 200
    untranslated = []
    for message in found:
        singular = message[0] if isinstance(message, tuple) else message
        if zh.gettext(singular) == singular:
            untranslated.append(singular)
    assert untranslated == []


def test_login_logout_and_csrf(client: TestClient, engine: Engine) -> None:
    make_user(engine, "staff", username="wangmin")
    browser = _as(client)
    page = browser.get("/login")
    assert page.status_code == 200 and "登录" in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token and token.group(1) == CSRF
    form = {"username": "wangmin", "password": "correct-horse-battery", "next": "/review"}
    forged = browser.post("/login", data=form)  # no CSRF field
    assert forged.status_code == 403 and "没有权限" in forged.text
    wrong = browser.post("/login", data={**form, "password": "nope", "csrf": CSRF})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    ok = browser.post("/login", data={**form, "csrf": CSRF})
    assert ok.status_code == 303 and ok.headers["location"] == "/review"
    assert browser.get("/review").status_code == 200
    offsite = browser.post("/login", data={**form, "csrf": CSRF, "next": "//evil.example"})
    assert offsite.headers["location"] == "/"
    browser.post("/logout", data={"csrf": CSRF})
    again = browser.get("/review")
    assert again.status_code == 303 and again.headers["location"].startswith("/login?next=")


def test_language_switch_is_remembered_for_the_user(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, "staff", username="novak")
    browser = _as(client, user)
    assert "科技成果" in browser.get("/").text
    r = browser.post("/lang", data={"lang": "en", "next": "/results", "csrf": CSRF})
    assert r.status_code == 303 and r.headers["location"] == "/results"
    english = browser.get("/results").text
    assert "Research results" in english and "科技成果" not in english
    # Another device: no language cookie, the user's choice still holds.
    fresh = _as(client, user)
    assert 'lang="en"' in fresh.get("/").text[:200]
    with Session(engine) as session:
        assert session.get(User, user.id).lang == "en"


def test_need_form_validates_like_the_api(client: TestClient, engine: Engine) -> None:
    org = _org(client, "hengda", "enterprise", "沧州恒达管件制造有限公司")
    browser = _as(client, make_user(engine, "enterprise", org))
    assert browser.get("/my/needs/new").status_code == 200
    bad = browser.post(
        "/my/needs/new",
        data={"csrf": CSRF, "title": "", "description": "锌层脱落", "budget_wan": "-5"},
    )
    assert bad.status_code == 422
    flagged = set(re.findall(r'data-field="(\w+)"', bad.text))
    assert {"title", "budget_wan", "industry", "zone"} <= flagged
    assert "锌层脱落" in bad.text  # what was typed stays in the form
    good = browser.post(
        "/my/needs/new",
        data={
            "csrf": CSRF,
            "title": NEED["title"],
            "description": NEED["description"],
            "industry": NEED["industry"],
            "zone": NEED["zone"],
            "cooperation": ["license", "commissioned"],
            "budget_wan": "60",
        },
    )
    assert good.status_code == 303
    need_id = int(good.headers["location"].split("/")[2].split("?")[0])
    saved = client.get(f"/api/v1/needs/{need_id}").json()
    assert saved["organization_id"] == org and saved["cooperation"] == ["license", "commissioned"]
    edit = browser.post(
        f"/my/needs/{need_id}/edit",
        data={"csrf": CSRF, **{k: NEED[k] for k in ("title", "description", "industry", "zone")}},
    )
    assert edit.status_code == 303
    assert client.get(f"/api/v1/needs/{need_id}").json()["budget_wan"] is None  # emptied
    other = _org(client, "mingzhu", "enterprise", "沧州明珠塑料股份有限公司")
    intruder = _as(client, make_user(engine, "enterprise", other))
    assert intruder.get(f"/my/needs/{need_id}/edit").status_code == 403
    assert _as(client).get("/my/needs/new").status_code == 303  # anonymous: log in first


def test_draft_panel_shows_suggestions_and_what_is_missing(
    client: TestClient, engine: Engine
) -> None:
    client.post("/api/v1/results", json=ZINC)
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    org = _org(client, "hengda", "enterprise", "沧州恒达管件制造有限公司")
    browser = _as(client, make_user(engine, "enterprise", org))
    panel = browser.post(
        "/my/draft",
        data={"csrf": CSRF, "title": "热镀锌钢管锌层附着力差", "targets": "附着力提高"},
    )
    assert panel.status_code == 200
    assert ZINC["title"] in panel.text
    missing = set(re.findall(r'<li data-field="(\w+)"', panel.text))
    assert missing == {"description", "targets", "budget_wan", "cooperation", "deadline"}
    untitled = browser.post(
        "/my/draft", data={"csrf": CSRF, "description": "热镀锌钢管锌层附着力差，锌耗高"}
    )
    assert ZINC["title"] in untitled.text  # suggestions before there is a title


def test_import_writes_nothing_while_a_row_is_bad(client: TestClient, engine: Engine) -> None:
    org = _org(client, "hebut", "institute", "河北工业大学")
    browser = _as(client, make_user(engine, "institute", org))
    rows = (
        "title,abstract,region,maturity,keywords,cooperation\n"
        "耐蚀合金堆焊工艺,镍基合金激光堆焊，稀释率低于5%,tianjin,pilot,堆焊|镍基合金,license\n"
        "缺少简介的成果,,tianjin,lab,,\n"
    )
    bad = browser.post(
        "/my/results/import",
        data={"csrf": CSRF},
        files={"file": ("results.csv", rows.encode(), "text/csv")},
    )
    assert bad.status_code == 422
    assert re.search(r"<td>3</td><td[^>]*>abstract", bad.text)
    assert client.get("/api/v1/results").json()["total"] == 0
    good = browser.post(
        "/my/results/import",
        data={"csrf": CSRF},
        files={"file": ("results.csv", rows.rsplit("缺少", 1)[0].encode(), "text/csv")},
    )
    assert good.status_code == 200
    listed = client.get("/api/v1/results").json()
    assert listed["total"] == 1 and listed["items"][0]["organization_id"] == org
    assert listed["items"][0]["keywords"] == ["堆焊", "镍基合金"]


def test_outsiders_never_see_confidential_text_on_pages(client: TestClient, engine: Engine) -> None:
    org = _org(client, "hengda", "enterprise", "沧州恒达管件制造有限公司")
    need = client.post("/api/v1/needs", json={**CONFIDENTIAL, "organization_id": org}).json()
    client.post("/api/v1/results", json=ZINC)
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    anon = _as(client)
    result = client.get("/api/v1/results").json()["items"][0]["id"]
    pages = ["/", "/needs", f"/needs/{need['id']}", f"/results/{result}"]
    for path in pages:
        page = anon.get(path)
        assert page.status_code == 200, path
        assert "ZX-7" not in page.text and "13912" not in page.text, path
    assert CONFIDENTIAL["title"] in anon.get("/needs").text
    assert "找到 0 条" in anon.get("/needs", params={"q": "ZX-7"}).text
    owner = _as(client, make_user(engine, "enterprise", org))
    assert SECRET in owner.get(f"/needs/{need['id']}").text


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [
        ("/review", "enterprise", 403),
        ("/dashboard", "institute", 403),
        ("/my/results/import", "enterprise", 403),
        ("/needs/999999", None, 404),
    ],
)
def test_refusals_are_pages(
    client: TestClient, engine: Engine, path: str, role: str | None, status: int
) -> None:
    user = None
    if role:
        user = make_user(engine, role, _org(client, "o1", role, "某单位"))
    page = _as(client, user).get(path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/api/v1/needs/999999").headers["content-type"] == "application/json"


def test_institute_expresses_interest_once(client: TestClient, engine: Engine) -> None:
    org = _org(client, "hebut", "institute", "河北工业大学")
    result = client.post("/api/v1/results", json={**ZINC, "organization_id": org}).json()["id"]
    need = client.post("/api/v1/needs", json=NEED).json()["id"]
    client.app.state.matching.refresh()  # type: ignore[attr-defined]
    browser = _as(client, make_user(engine, "institute", org))
    page = browser.get(f"/my/results/{result}/needs")
    assert page.status_code == 200 and NEED["title"] in page.text
    form = {"csrf": CSRF, "need_id": str(need), "result_id": str(result), "note": "可派人到厂"}
    first = browser.post("/my/interest", data=form)
    assert first.headers["location"].endswith("done=interest")
    again = browser.post("/my/interest", data=form)
    assert again.headers["location"].endswith("done=known")
    queue = client.get("/api/v1/matches", params={"need_id": need}).json()["items"]
    assert [(m["origin"], m["result_id"]) for m in queue] == [("institute", result)]


def test_money_reads_right_in_both_languages() -> None:
    from techmatch.web.render import money

    assert [money(v, "zh") for v in (100, 1200, 100.5, None)] == [
        "100 万元",
        "1,200 万元",
        "100.5 万元",
        "面议",
    ]
    # 1 万元 is CNY 10,000.
    assert [money(v, "en") for v in (100, 1200, 100.5, None)] == [
        "CNY 1,000k",
        "CNY 12,000k",
        "CNY 1,005k",
        "negotiable",
    ]
