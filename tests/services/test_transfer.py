"""Import and export: all or nothing, errors by line, round trips through JSONL and CSV."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlmodel import Session

from techmatch.services import listings, transfer
from tests.support import FIXTURES

FILES = [FIXTURES / name for name in ("organizations.jsonl", "needs.jsonl", "results.jsonl")]


def _counts(session: Session) -> dict[str, int]:
    return listings.counts(session=session)


def test_import_folder_files_in_order(session: Session) -> None:
    report = transfer.import_files(FILES, session=session)
    assert report.written and not report.errors
    assert report.created == {"organization": 3, "need": 2, "result": 2}
    need = listings.get_by_code(listings.NEEDS, "TN-01", session=session)
    org = listings.get_by_code(listings.ORGANIZATIONS, "cz-ruida-flange", session=session)
    assert need.organization_id == org.id
    result = listings.get_by_code(listings.RESULTS, "TR-01", session=session)
    assert result.institution == "天津大学材料科学与工程学院"  # taken from its organization
    assert result.stage == "pilot_tested"


def _bad_copy(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_bad_row_writes_nothing_and_names_line(session: Session, tmp_path: Path) -> None:
    good = (FIXTURES / "needs.jsonl").read_text(encoding="utf-8").splitlines()
    bad_budget = json.loads(good[0]) | {"id": "TN-03", "budget_wan": -10}
    bad = _bad_copy(
        tmp_path,
        "needs.jsonl",
        [good[0], good[1], json.dumps(bad_budget, ensure_ascii=False), "{not json"],
    )
    report = transfer.import_files([FIXTURES / "organizations.jsonl", bad], session=session)
    assert not report.written
    assert [(e.line, e.source) for e in report.errors] == [(3, "needs.jsonl"), (4, "needs.jsonl")]
    assert "budget_wan" in report.errors[0].message
    assert "not valid JSON" in report.errors[1].message
    assert _counts(session) == {"organizations": 0, "needs": 0, "results": 0}


def test_skip_invalid_writes_the_good_rows(session: Session, tmp_path: Path) -> None:
    good = (FIXTURES / "needs.jsonl").read_text(encoding="utf-8").splitlines()
    orphan = json.loads(good[1]) | {"id": "TN-09", "organization": "no-such-org"}
    path = _bad_copy(tmp_path, "needs.jsonl", [good[0], json.dumps(orphan, ensure_ascii=False)])
    report = transfer.import_files(
        [FIXTURES / "organizations.jsonl", path], session=session, skip_invalid=True
    )
    assert report.written
    assert report.created == {"organization": 3, "need": 1}
    assert "no-such-org" in report.errors[0].message


def test_duplicate_ids_within_a_file_and_against_the_database(
    session: Session, tmp_path: Path
) -> None:
    transfer.import_files(FILES[:1], session=session)
    row = (FIXTURES / "organizations.jsonl").read_text(encoding="utf-8").splitlines()[0]
    report = transfer.import_files(
        [_bad_copy(tmp_path, "organizations.jsonl", [row])], session=session
    )
    assert "already used" in report.errors[0].message
    twice = json.loads(row) | {"id": "another-flange-maker"}
    twice_line = json.dumps(twice, ensure_ascii=False)
    path = _bad_copy(tmp_path, "organizations2.jsonl", [twice_line, twice_line])
    report = transfer.import_files([path], session=session)
    assert [e.line for e in report.errors] == [2]
    assert "twice" in report.errors[0].message


def test_kind_is_detected_from_fields(session: Session, tmp_path: Path) -> None:
    transfer.import_files(FILES[:1], session=session)
    path = tmp_path / "batch-2027.jsonl"
    path.write_bytes((FIXTURES / "results.jsonl").read_bytes())
    report = transfer.import_files([path], session=session)
    assert report.created == {"result": 2}


def test_jsonl_and_csv_round_trip(session: Session, tmp_path: Path) -> None:
    transfer.import_files(FILES, session=session)
    for fmt in ("jsonl", "csv"):
        for kind in (listings.ORGANIZATIONS, listings.NEEDS, listings.RESULTS):
            out = io.StringIO()
            transfer.write_export(kind, fmt, out, session=session)
            (tmp_path / f"{kind.name}s.{fmt}").write_text(out.getvalue(), encoding="utf-8")
    originals = {
        kind.name: list(transfer.export_rows(kind, session=session))
        for kind in (listings.ORGANIZATIONS, listings.NEEDS, listings.RESULTS)
    }
    for fmt in ("jsonl", "csv"):
        with Session(session.get_bind()) as fresh:
            _wipe(fresh)
            paths = [tmp_path / f"{k}s.{fmt}" for k in ("organization", "need", "result")]
            report = transfer.import_files(paths, session=fresh)
            assert report.written, [str(e) for e in report.errors]
            for kind in (listings.ORGANIZATIONS, listings.NEEDS, listings.RESULTS):
                again = list(transfer.export_rows(kind, session=fresh))
                assert again == originals[kind.name], (fmt, kind.name)


def test_csv_cells(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text(
        "id,title,description,industry,zone,cooperation,budget_wan,confidential\n"
        "C-1,储罐呼吸气VOCs回收,罐区呼吸气无组织排放超标。,environmental,zhongjie-hitech,"
        "transfer|license,120,是\n"
        "C-2,缺字段,,environmental,zhongjie-hitech,,,\n",
        encoding="utf-8",
    )
    report = transfer.import_files([path], session=session)
    assert [(e.line, "description" in e.message) for e in report.errors] == [(3, True)]
    path.write_text(
        path.read_text(encoding="utf-8").splitlines()[0]
        + "\n"
        + path.read_text(encoding="utf-8").splitlines()[1]
        + "\n",
        encoding="utf-8",
    )
    report = transfer.import_files([path], session=session)
    need = listings.get_by_code(listings.NEEDS, "C-1", session=session)
    assert need.cooperation == ["transfer", "license"]
    assert need.confidential is True
    assert need.budget_wan == 120


def _wipe(session: Session) -> None:
    from sqlmodel import SQLModel

    for table in reversed(SQLModel.metadata.sorted_tables):
        session.exec(table.delete())  # type: ignore[call-overload]
    session.commit()
