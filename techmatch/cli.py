"""``techmatch``: serve the API, load demo data, import and export listings."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

import seed_data
from techmatch.config import get_settings
from techmatch.db import make_engine, migrate
from techmatch.services import transfer

log = logging.getLogger("techmatch")


def _engine():  # noqa: ANN202 - an sqlalchemy Engine
    engine = make_engine(get_settings().database_url)
    migrate(engine)
    return engine


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    engine = _engine()
    if args.demo:
        with Session(engine) as session:
            if transfer.is_empty(session=session):
                report = transfer.import_files(seed_data.paths(), session=session)
                log.info("demo data loaded: %s", report.created)
    engine.dispose()
    # Migrated above: the worker processes need not race to do it again.
    os.environ["TECHMATCH_MIGRATE_ON_START"] = "0"
    log.info("serving on http://%s:%d  (API /api/v1, OpenAPI /docs)", args.host, args.port)
    uvicorn.run(
        "techmatch.api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    with Session(_engine()) as session:
        if not transfer.is_empty(session=session):
            print("the database already holds listings; demo data not loaded")
            return 0
        report = transfer.import_files(seed_data.paths(), session=session)
    _print_report(report)
    return 0 if report.written else 1


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.is_dir():
        paths = [path / name for name in seed_data.FILES if (path / name).exists()]
        paths += sorted(p for p in path.glob("*.csv"))
        if not paths:
            print(f"{path}: no organizations / needs / results files", file=sys.stderr)
            return 2
    elif path.exists():
        paths = [path]
    else:
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    try:
        with Session(_engine()) as session:
            report = transfer.import_files(paths, session=session, skip_invalid=args.skip_invalid)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    _print_report(report)
    return 0 if report.written and not (report.errors and not args.skip_invalid) else 1


def _print_report(report: transfer.ImportReport) -> None:
    for error in report.errors:
        print(error, file=sys.stderr)
    if report.written:
        created = ", ".join(f"{n} {k}s" for k, n in report.created.items()) or "nothing"
        skipped = f" ({len(report.errors)} invalid rows skipped)" if report.errors else ""
        print(f"imported {created}{skipped}")
    else:
        print(f"{len(report.errors)} invalid rows; nothing written", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    kind = transfer.kind_named(args.kind)
    with Session(_engine()) as session:
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                n = transfer.write_export(kind, args.format, out, session=session)
            print(f"exported {n} {kind.name}s to {args.output}", file=sys.stderr)
        else:
            transfer.write_export(kind, args.format, sys.stdout, session=session)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="techmatch",
        description="京津沧 technology-transfer matching service. "
        "The database is DATABASE_URL (default: techmatch.db in this folder).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API (and pages)")
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.set_defaults(func=cmd_serve)

    seed = sub.add_parser("seed", help="load the demo listings into an empty database")
    seed.set_defaults(func=cmd_seed)

    imp = sub.add_parser(
        "import",
        help="import organizations, needs or results from JSONL or CSV",
        description="Import a JSONL or CSV file (or a folder holding organizations.jsonl, "
        "needs.jsonl, results.jsonl, as the evaluation sets do). Every row is checked "
        "first; errors are listed by line and nothing is written if any row is bad.",
    )
    imp.add_argument("file", help="a .jsonl / .csv file or a folder")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="write the good rows, report the bad ones"
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export listings as JSONL or CSV (import format)")
    exp.add_argument("--kind", choices=["organizations", "needs", "results"], required=True)
    exp.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    exp.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
