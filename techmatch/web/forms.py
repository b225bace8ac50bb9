"""Form posts → the same schemas the API validates, with errors per field for the page."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from techmatch.services.errors import InvalidInput

# Keywords typed into one box: separated by commas, 、, ; or new lines.
_SEPARATORS = re.compile(r"[,，、;；\n]+")


def form_values(
    form: FormData, *, lists: tuple[str, ...] = (), split: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Non-empty fields of a form; ``lists`` are repeated fields (check boxes), ``split``
    are fields typed as one separated line."""
    values: dict[str, Any] = {}
    for key in set(form.keys()):
        if key == "csrf":
            continue
        if key in lists:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str) and v]
            continue
        raw = form.get(key)
        if not isinstance(raw, str) or not raw.strip():
            continue
        if key in split:
            values[key] = [p.strip() for p in _SEPARATORS.split(raw) if p.strip()]
        else:
            values[key] = raw.strip()
    for key in lists:
        values.setdefault(key, [])
    return values


def field_errors(exc: ValidationError | InvalidInput) -> dict[str, str]:
    errors = (
        exc.errors(include_url=False, include_input=False)
        if isinstance(exc, ValidationError)
        else exc.errors
    )
    out: dict[str, str] = {}
    for error in errors:
        loc = [str(p) for p in error["loc"] if p != "body"]
        out.setdefault(loc[0] if loc else "form", str(error["msg"]))
    return out


def checked(model: type[BaseModel], values: dict[str, Any]) -> Any:
    """The form as ``model``, or the 422 page naming the fields (for one-click forms that
    have no page of their own to show errors on)."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc) from exc


def validated(model: type[BaseModel], values: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        return None, field_errors(exc)
