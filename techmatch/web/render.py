"""Rendering pages: one Jinja2 environment, the visitor's language, and the helpers the
templates share (code labels, money, dates, highlighted shared terms)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from models.users import User
from techmatch.web.i18n import pick_language, translations
from techmatch.web.labels import LABELS
from techmatch.web.session import CSRF_FIELD, LANG_COOKIE, csrf_token, remember_csrf

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # replaced per request by the visitor's language


def language(request: Request, viewer: User | None) -> str:
    return pick_language(viewer.lang if viewer else None, request.cookies.get(LANG_COOKIE))


def money(value: float | None, lang: str) -> str:
    if value is None:
        return "面议" if lang == "zh" else "negotiable"
    if lang == "zh":
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        return f"{text} 万元"
    return f"CNY {value * 10:,.0f}k"  # 1 万元 = CNY 10,000


def highlight(text: str | None, forms: Iterable[str], bridged: Iterable[str] = ()) -> Markup:
    """``text`` escaped, with every occurrence of ``forms`` marked (bridges marked apart).
    English forms match case-insensitively and with any ending (the matcher stems them)."""
    if not text:
        return Markup("")
    bridged = {f.lower() for f in bridged}
    wanted = sorted({f for f in forms if f and f.strip()}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    patterns = [
        re.escape(f) + (r"[a-z]*" if f.isascii() and f[-1:].isalpha() else "") for f in wanted
    ]
    found = re.compile("|".join(patterns), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for m in found.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        piece = m.group(0)
        base = next((f for f in wanted if piece.lower().startswith(f.lower())), piece)
        css = "term bridge" if base.lower() in bridged else "term"
        out.append(f'<mark class="{css}">{escape(piece)}</mark>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    viewer: User | None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request, viewer)
    catalogue = translations(lang)

    def label(kind: str, code: object) -> str:
        if code is None:
            return ""
        text = LABELS.get(kind, {}).get(str(code))
        return catalogue.gettext(text) if text else str(code)

    def url_with(**changes: object) -> str:
        """This page's URL with some query parameters changed (None removes one)."""
        params = dict(request.query_params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return f"{request.url.path}?{urlencode(params)}" if params else request.url.path

    def gettext(message: str, **variables: object) -> str:
        # As Jinja's "newstyle" gettext: variables are filled in (and escaped) here.
        text = Markup(catalogue.gettext(message))
        return text % variables if variables else text

    def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
        text = Markup(catalogue.ngettext(singular, plural, n))
        return text % ({"num": n} | variables)

    values = {
        "request": request,
        "viewer": viewer,
        "lang": lang,
        "gettext": gettext,
        "ngettext": ngettext,
        "_": gettext,
        "label": label,
        "money": lambda v: money(v, lang),
        "csrf_field": Markup(
            f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(request))}">'
        ),
        "url_with": url_with,
        "label_codes": lambda kind: list(LABELS.get(kind, {})),
        "today": dt.date.today(),
        "path": request.url.path,
        **context,
    }
    html = env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    remember_csrf(request, response)
    return response
