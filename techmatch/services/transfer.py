"""Import and export of listings as JSONL or CSV (the evaluation-set format and more).

An import is all or nothing: every row is validated (schema, owner, unique code) before
anything is committed, and errors are reported by file and line. With ``skip_invalid``
the good rows are written and the bad ones reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from models.listings import Organization
from techmatch.services import listings
from techmatch.services.errors import DomainError, InvalidInput
from techmatch.services.listings import KINDS, NEEDS, ORGANIZATIONS, RESULTS, Kind

# Fields that hold lists; in CSV they are a JSON array or values separated by "|".
LIST_FIELDS = {"cooperation", "keywords", "industries"}
_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "是": True,
    "false": False,
    "0": False,
    "no": False,
    "否": False,
}
# Export leaves out what the database assigns.
_NOT_EXPORTED = {"id", "code", "organization_id", "created_at", "updated_at"}


@dataclass
class RowError:
    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


def detect_kind(path: Path, first_row: dict[str, Any] | None) -> Kind:
    """Name first (needs.jsonl, results.csv, ...), then the fields of the first row."""
    stem = path.name.lower()
    for kind in (ORGANIZATIONS, NEEDS, RESULTS):
        if stem.startswith(kind.name):
            return kind
    if first_row:
        if "abstract" in first_row:
            return RESULTS
        if "zone" in first_row and "description" in first_row:
            return NEEDS
        if "kind" in first_row and "name" in first_row:
            return ORGANIZATIONS
    raise ValueError(
        f"{path.name}: cannot tell whether it holds organizations, needs or results; "
        "name it organizations.*, needs.* or results.*"
    )


def _csv_value(name: str, raw: str) -> Any:
    text = raw.strip()
    if name in LIST_FIELDS:
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split("|") if part.strip()]
    if name == "confidential":
        return _BOOLEANS.get(text.lower(), text)
    return text


def _cell_rows(
    header: list[str], rows: Iterable[tuple[int, list[Any]]]
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Table rows (CSV or a spreadsheet) under a header row → import rows."""
    for line, cells in rows:
        values: dict[str, Any] = {}
        try:
            for name, cell in zip(header, cells, strict=False):
                if not name or cell is None:
                    continue
                if isinstance(cell, dt.datetime):
                    cell = cell.date()
                if isinstance(cell, str):
                    if not cell.strip():
                        continue
                    values[name] = _csv_value(name, cell)
                elif name in LIST_FIELDS:
                    values[name] = [str(cell)]
                else:
                    values[name] = cell.isoformat() if isinstance(cell, dt.date) else cell
        except json.JSONDecodeError as exc:
            yield line, f"a list cell is not a JSON array: {exc}"
            continue
        if values:
            yield line, values


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        yield 0, f"not an Excel (.xlsx) workbook: {exc}"
        return
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    yield from _cell_rows(header, ((n, list(r)) for n, r in enumerate(rows, start=2)))
    book.close()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    return read_content(path.name, path.read_bytes())


def read_content(name: str, content: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line, row) pairs of a JSONL, CSV or .xlsx file's content; a row that cannot be
    parsed comes as an error message."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        yield from _xlsx_rows(content)
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield 0, f"file is not UTF-8 text: {exc}"
        return
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        numbered = ((reader.line_num, list(row)) for row in reader)
        yield from _cell_rows(header, numbered)
        return
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, f"not valid JSON: {exc}"
            continue
        yield line, row if isinstance(row, dict) else "a line must be a JSON object"


def _to_create(
    kind: Kind, row: dict[str, Any], *, session: Session, owner: int | None = None
) -> Any:
    """Import row → Create schema: ``id`` is the code, ``organization`` an organization code
    (or every row belongs to ``owner``)."""
    data = {k: v for k, v in row.items() if v is not None}
    if "id" in data:
        data["code"] = str(data.pop("id"))
    org_code = data.pop("organization", None)
    if owner is not None:
        data["organization_id"] = owner
    elif org_code is not None and kind is not ORGANIZATIONS:
        org_id = session.exec(
            select(Organization.id).where(Organization.code == str(org_code))
        ).first()
        if org_id is None:
            raise InvalidInput.field("organization", f"no organization with id '{org_code}'")
        data["organization_id"] = org_id
    try:
        return kind.create.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc) from exc


def import_files(
    paths: Iterable[Path], *, session: Session, skip_invalid: bool = False
) -> ImportReport:
    files = []
    for path in paths:
        rows = list(read_rows(path))
        first = next((r for _, r in rows if isinstance(r, dict)), None)
        files.append((path.name, detect_kind(path, first), rows))
    return _import(files, session=session, skip_invalid=skip_invalid)


def import_upload(
    kind: Kind, name: str, content: bytes, *, session: Session, owner: int | None
) -> ImportReport:
    """One uploaded file (JSONL, CSV or .xlsx) of ``kind``; with ``owner``, every row belongs
    to that organization whatever the file says. All or nothing."""
    rows = list(read_content(name, content))
    if not rows:
        return ImportReport(errors=[RowError(name, 0, "the file holds no rows")])
    return _import([(name, kind, rows)], session=session, owner=owner)


def _import(
    files: list[tuple[str, Kind, list[tuple[int, dict[str, Any] | str]]]],
    *,
    session: Session,
    skip_invalid: bool = False,
    owner: int | None = None,
) -> ImportReport:
    report = ImportReport()
    try:
        for name, kind, rows in files:
            codes_seen: set[str] = set()
            for line, row in rows:
                error = _import_row(kind, row, codes_seen, session=session, owner=owner)
                if error is None:
                    report.created[kind.name] = report.created.get(kind.name, 0) + 1
                else:
                    report.errors.append(RowError(name, line, error))
        if report.errors and not skip_invalid:
            session.rollback()
            report.created = {}
            return report
        session.commit()
        report.written = True
        return report
    except Exception:
        session.rollback()
        raise


def _import_row(
    kind: Kind,
    row: dict[str, Any] | str,
    codes_seen: set[str],
    *,
    session: Session,
    owner: int | None = None,
) -> str | None:
    if isinstance(row, str):
        return row
    try:
        data = _to_create(kind, row, session=session, owner=owner)
        code = getattr(data, "code", None)
        if code is not None and code in codes_seen:
            return f"id '{code}' appears twice in this file"
        values = listings.prepare(kind, data, session=session)
        listings.add(kind, values, session=session)
    except InvalidInput as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in exc.errors)
    except DomainError as exc:
        return str(exc)
    if code is not None:
        codes_seen.add(code)
    return None


def export_rows(kind: Kind, *, session: Session) -> Iterator[dict[str, Any]]:
    """Rows in import format: ``id`` is the code, ``organization`` the owner's code."""
    org_codes = dict(session.exec(select(Organization.id, Organization.code)).all())
    for row in session.exec(select(kind.table).order_by(kind.table.id)):
        public = kind.public.model_validate(row).model_dump(mode="json")
        out: dict[str, Any] = {"id": row.code}
        if kind is not ORGANIZATIONS:
            out["organization"] = org_codes.get(row.organization_id)
        out.update({k: v for k, v in public.items() if k not in _NOT_EXPORTED})
        yield out


def write_export(kind: Kind, fmt: str, out: io.TextIOBase, *, session: Session) -> int:
    rows = list(export_rows(kind, session=session))
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()}
                )
    else:
        raise ValueError(f"unknown format '{fmt}'; choose jsonl or csv")
    return len(rows)


def kind_named(name: str) -> Kind:
    key = name.rstrip("s")
    if key not in KINDS:
        raise ValueError(f"unknown kind '{name}'; choose organizations, needs or results")
    return KINDS[key]


def is_empty(*, session: Session) -> bool:
    return not any(listings.counts(session=session).values())
