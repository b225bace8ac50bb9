"""Pages of an organization's users: an enterprise's needs (with suggestions while typing),
an institute's results (with bulk import) and the matches recommended to either."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from models.codes import Lang, NeedStatus, ResultStatus
from models.listings import NeedCreate, NeedUpdate, ResultCreate, ResultUpdate
from models.matches import AdHocMatchRequest, MatchQuery
from models.queries import NeedQuery, ResultQuery
from models.review import (
    ManualMatchRequest,
    MatchQueueQuery,
    MatchStatus,
    QueueSort,
    ResponseRequest,
    TransitionRequest,
)
from models.users import Role, User
from techmatch.api.deps import ItemId, SessionDep
from techmatch.services import access, drafts, listings, matching, review, transfer
from techmatch.services.errors import Conflict, Forbidden, InvalidInput
from techmatch.services.listings import Kind
from techmatch.services.matching import row_values
from techmatch.web.forms import checked, field_errors, form_values, validated
from techmatch.web.render import render
from techmatch.web.session import CsrfDep, PageUserDep

router = APIRouter(prefix="/my", include_in_schema=False)

MAX_UPLOAD = 5 * 1024 * 1024  # bytes
# Per kind: the role that writes it, the form's list fields and fields typed as one line.
FORMS: dict[str, dict[str, Any]] = {
    "need": {
        "kind": listings.NEEDS,
        "role": Role.enterprise,
        "create": NeedCreate,
        "update": NeedUpdate,
        "lists": ("cooperation",),
        "split": (),
        "template": "need_form.html",
    },
    "result": {
        "kind": listings.RESULTS,
        "role": Role.institute,
        "create": ResultCreate,
        "update": ResultUpdate,
        "lists": ("cooperation",),
        "split": ("keywords",),
        "template": "result_form.html",
    },
}
# Fields the forms do not show: kept as they are on edit.
_NOT_ON_FORM = {"code", "status", "organization_id", "valid_until", "institution"}


def _member(viewer: User, role: Role) -> int:
    """The organization a user of ``role`` acts for."""
    if viewer.role != role or viewer.organization_id is None:
        raise Forbidden(f"this page is for {role} users")
    return viewer.organization_id


def _mine(kind: Kind, viewer: User, session: SessionDep) -> list[Any]:
    org = _member(viewer, FORMS[kind.name]["role"])
    if kind is listings.NEEDS:
        query: Any = NeedQuery(organization_id=org, limit=100, status=list(NeedStatus))
    else:
        query = ResultQuery(organization_id=org, limit=100, status=list(ResultStatus))
    items, _ = listings.get_all(kind, query, session=session, viewer=viewer)
    return list(items)


@router.get("/needs")
def my_needs(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    items = _mine(listings.NEEDS, viewer, session)
    return render(request, "my_listings.html", {"kind": "need", "items": items}, viewer=viewer)


@router.get("/results")
def my_results(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    items = _mine(listings.RESULTS, viewer, session)
    return render(request, "my_listings.html", {"kind": "result", "items": items}, viewer=viewer)


# --------------------------------------------------------------------------- forms


def _form_page(
    request: Request,
    name: str,
    viewer: User,
    values: dict[str, Any],
    errors: dict[str, str],
    item_id: int | None = None,
    status_code: int = 200,
) -> Response:
    spec = FORMS[name]
    return render(
        request,
        spec["template"],
        {"values": values, "errors": errors, "item_id": item_id},
        viewer=viewer,
        status_code=status_code,
    )


def _new_form(name: str):  # noqa: ANN202 - two route functions per kind
    def show(request: Request, viewer: PageUserDep) -> Response:
        _member(viewer, FORMS[name]["role"])
        defaults: dict[str, Any] = {"lang": Lang.en if viewer.lang == "en" else Lang.zh}
        return _form_page(request, name, viewer, defaults, {})

    async def create(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
        spec = FORMS[name]
        org = _member(viewer, spec["role"])
        values = form_values(await request.form(), lists=spec["lists"], split=spec["split"])
        data, errors = validated(spec["create"], values | {"organization_id": org})
        if data is not None:
            try:
                row = listings.create(spec["kind"], data, session=session)
            except InvalidInput as exc:
                errors = field_errors(exc)
            else:
                return RedirectResponse(f"/{name}s/{row.id}?done=saved", status_code=303)
        return _form_page(request, name, viewer, values, errors, status_code=422)

    return show, create


def _edit_form(name: str):  # noqa: ANN202
    def _row(item_id: int, session: SessionDep, viewer: User) -> Any:
        spec = FORMS[name]
        _member(viewer, spec["role"])
        row = listings.get(spec["kind"], item_id, session=session)
        access.check_listing_write(viewer, name, row.organization_id)
        return row

    def show(
        item_id: ItemId, request: Request, session: SessionDep, viewer: PageUserDep
    ) -> Response:
        row = _row(item_id, session, viewer)
        return _form_page(request, name, viewer, row_values(row), {}, item_id=item_id)

    async def save(
        item_id: ItemId, request: Request, session: SessionDep, viewer: PageUserDep
    ) -> Response:
        spec = FORMS[name]
        row = _row(item_id, session, viewer)
        values = form_values(await request.form(), lists=spec["lists"], split=spec["split"])
        # Every field on the form is sent: an emptied one is cleared (to its default:
        # an unticked box is false, no cooperation mode ticked is an empty list).
        model = spec["create"]
        patch = {
            f: values.get(f, info.get_default(call_default_factory=True))
            for f, info in model.model_fields.items()
            if f not in _NOT_ON_FORM
        }
        current = row_values(row)
        data, errors = validated(model, {**current, **patch})
        if data is not None:
            try:
                listings.update(spec["kind"], item_id, spec["update"](**patch), session=session)
            except InvalidInput as exc:
                errors = field_errors(exc)
            else:
                return RedirectResponse(f"/{name}s/{item_id}?done=saved", status_code=303)
        return _form_page(request, name, viewer, values, errors, item_id=item_id, status_code=422)

    return show, save


for _name in FORMS:
    _show, _create = _new_form(_name)
    router.add_api_route(f"/{_name}s/new", _show, methods=["GET"])
    router.add_api_route(f"/{_name}s/new", _create, methods=["POST"], dependencies=[CsrfDep])
    _show_edit, _save = _edit_form(_name)
    router.add_api_route(f"/{_name}s/{{item_id}}/edit", _show_edit, methods=["GET"])
    router.add_api_route(
        f"/{_name}s/{{item_id}}/edit", _save, methods=["POST"], dependencies=[CsrfDep]
    )


@router.post("/draft", dependencies=[CsrfDep])
async def draft_panel(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    """While an enterprise types a need: the closest existing results and what the draft
    still lacks (a fragment the form page shows beside itself)."""
    values = form_values(await request.form(), lists=("cooperation",))
    missing = drafts.missing_information(values)
    suggestions: list[dict[str, Any]] = []
    text = " ".join(values.get(f, "") for f in ("description", "current_state", "targets"))
    if values.get("title") or text.strip():
        request_model, _ = validated(  # a draft the matcher cannot take yet: no suggestions
            AdHocMatchRequest,
            {
                "title": values.get("title", ""),
                "lang": values["lang"] if values.get("lang") in ("zh", "en") else "zh",
                "text": text.strip() or values.get("title", ""),
                "cooperation": values.get("cooperation", []),
                "budget_wan": values.get("budget_wan"),
                "filters": {"limit": 5},
            },
        )
        if request_model is not None:
            answer = matching.match_text(
                request.app.state.matching, request_model, session=session, viewer=viewer
            )
            suggestions = answer["items"]
    return render(
        request,
        "draft_panel.html",
        {"missing": missing, "suggestions": suggestions},
        viewer=viewer,
    )


# --------------------------------------------------------------------------- import


@router.get("/results/import")
def import_form(request: Request, viewer: PageUserDep) -> Response:
    _member(viewer, Role.institute)
    return render(request, "import.html", {"report": None}, viewer=viewer)


@router.post("/results/import", dependencies=[CsrfDep])
async def import_results(
    request: Request,
    session: SessionDep,
    viewer: PageUserDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    org = _member(viewer, Role.institute)
    content = await file.read(MAX_UPLOAD + 1)
    name = file.filename or "upload"
    if len(content) > MAX_UPLOAD:
        report = transfer.ImportReport(
            errors=[transfer.RowError(name, 0, "the file is larger than 5 MB")]
        )
    elif not name.lower().endswith((".csv", ".xlsx", ".jsonl")):
        report = transfer.ImportReport(
            errors=[transfer.RowError(name, 0, "upload a .xlsx, .csv or .jsonl file")]
        )
    else:
        report = transfer.import_upload(listings.RESULTS, name, content, session=session, owner=org)
    status = 200 if report.written else 422
    return render(request, "import.html", {"report": report}, viewer=viewer, status_code=status)


# --------------------------------------------------------------------------- matches


@router.get("/results/{item_id}/needs")
def needs_for_my_result(
    item_id: ItemId, request: Request, session: SessionDep, viewer: PageUserDep
) -> Response:
    result = listings.get(listings.RESULTS, item_id, session=session)
    if result.organization_id != _member(viewer, Role.institute):
        raise Forbidden("this result belongs to another organization")
    answer = matching.needs_for_result(
        request.app.state.matching, item_id, MatchQuery(limit=20), session=session, viewer=viewer
    )
    return render(
        request, "result_needs.html", {"result": result, "matches": answer["items"]}, viewer=viewer
    )


@router.post("/interest", dependencies=[CsrfDep])
def express_interest(
    session: SessionDep,
    viewer: PageUserDep,
    need_id: Annotated[int, Form()],
    result_id: Annotated[int, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        review.create(
            ManualMatchRequest(need_id=need_id, result_id=result_id, note=note or None),
            session=session,
            actor=viewer,
        )
    except Conflict:  # the pair is already with the transfer centre
        return RedirectResponse(f"/my/results/{result_id}/needs?done=known", status_code=303)
    return RedirectResponse(f"/my/results/{result_id}/needs?done=interest", status_code=303)


@router.get("/matches")
def my_matches(request: Request, session: SessionDep, viewer: PageUserDep) -> Response:
    if viewer.is_staff:
        return RedirectResponse("/review", status_code=303)
    items, total = review.queue(
        MatchQueueQuery(status=list(MatchStatus), sort=QueueSort.age, limit=100),
        session=session,
        viewer=viewer,
    )
    return render(request, "my_matches.html", {"items": items, "total": total}, viewer=viewer)


@router.post("/matches/{item_id}/respond", dependencies=[CsrfDep])
def respond(
    item_id: ItemId,
    session: SessionDep,
    viewer: PageUserDep,
    response: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    data = checked(
        ResponseRequest, {"response": response, "reason": reason or None, "note": note or None}
    )
    review.respond(item_id, data, session=session, actor=viewer)
    return RedirectResponse("/my/matches?done=answered", status_code=303)


@router.post("/matches/{item_id}/withdraw", dependencies=[CsrfDep])
def withdraw(
    item_id: ItemId,
    session: SessionDep,
    viewer: PageUserDep,
    note: Annotated[str, Form()] = "",
) -> Response:
    review.transition(
        item_id,
        TransitionRequest(to=MatchStatus.withdrawn, note=note or None),
        session=session,
        actor=viewer,
    )
    return RedirectResponse("/my/matches?done=withdrawn", status_code=303)
