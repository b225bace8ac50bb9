"""``techmatch``: serve the API, load demo data, import and export listings."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

import seed_data
from models.users import Role
from techmatch.config import InsecureSettings, Settings, get_settings
from techmatch.db import make_engine, migrate
from techmatch.services import transfer, users

log = logging.getLogger("techmatch")


def _engine():  # noqa: ANN202 - an sqlalchemy Engine
    engine = make_engine(get_settings().database_url)
    migrate(engine)
    return engine


def _demo_organizations(session: Session) -> dict[Role, int | None]:
    """The demo enterprise and institute users act for the demo organizations with the most
    recommended matches (so their pages show the workflow), then the most listings."""
    from sqlalchemy import func
    from sqlmodel import select

    from models.listings import Organization, ResearchResult, TechNeed
    from models.review import Match

    chosen: dict[Role, int | None] = {}
    for role, table, key, kind in (
        (Role.enterprise, TechNeed, Match.need_id, "enterprise"),
        (Role.institute, ResearchResult, Match.result_id, "institute"),
    ):
        recommended = func.count(Match.recommended_at)
        chosen[role] = session.exec(
            select(Organization.id)
            .join(table, table.organization_id == Organization.id)  # type: ignore[arg-type]
            .outerjoin(Match, key == table.id)  # type: ignore[arg-type]
            .where(Organization.kind == kind)
            .group_by(Organization.id)
            .order_by(recommended.desc(), func.count(table.id.distinct()).desc(), Organization.id)  # type: ignore[union-attr]
        ).first()
    return chosen


def _load_demo(engine, session: Session) -> transfer.ImportReport:  # noqa: ANN001 - an Engine
    """The demo listings, the matcher's suggestions and the demo's review story."""
    from techmatch.services import demo
    from techmatch.services.matching import MatchingService
    from techmatch.services.review import refresh_suggestions

    report = transfer.import_files(seed_data.paths(), session=session)
    if report.written:
        service = MatchingService(engine, poll_seconds=0)
        service.refresh()
        refresh_suggestions(service, session=session)
        moved = demo.load_review_story(seed_data.reviews_path(), session=session)
        log.info("demo data loaded: %s; %d matches under review", report.created, moved)
    return report


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        os.environ["TECHMATCH_DEMO"] = "1"  # read by the worker processes' settings too
    settings = Settings()
    try:
        settings.check()
    except InsecureSettings as exc:
        print(exc, file=sys.stderr)
        return 2
    engine = _engine()
    if args.demo:
        with Session(engine) as session:
            if transfer.is_empty(session=session):
                _load_demo(engine, session)
            made = users.ensure_demo_users(_demo_organizations(session), session=session)
        print("demo users (new passwords at every start):")
        for username, role, password in made:
            print(f"  {role:<10} username {username:<11} password {password}")
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


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from models.users import UserCreate
    from techmatch.services.errors import DomainError
    from techmatch.services.listings import ORGANIZATIONS, get_by_code

    with Session(_engine()) as session:
        try:
            org_id: int | None = None
            if args.org:
                org_id = (
                    int(args.org)
                    if args.org.isdigit()
                    else get_by_code(ORGANIZATIONS, args.org, session=session).id
                )
            data = UserCreate(
                username=args.username,
                password=_read_password(),
                role=args.role,
                organization_id=org_id,
            )
            user = users.create(data, session=session)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                print(f"{'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
            return 2
        except DomainError as exc:
            print(exc, file=sys.stderr)
            return 2
    org = f" of organization {user.organization_id}" if user.organization_id else ""
    print(f"added {user.role} user {user.username}{org}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    engine = _engine()
    with Session(engine) as session:
        if not transfer.is_empty(session=session):
            print("the database already holds listings; demo data not loaded")
            return 0
        report = _load_demo(engine, session)
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


def cmd_eval(args: argparse.Namespace) -> int:
    from matcher.evaluate import evaluate, write_run

    folder = Path(args.folder)
    if not (folder / "needs.jsonl").exists() or not (folder / "qrels.tsv").exists():
        print(
            f"{folder}: not an evaluation folder (needs.jsonl, results.jsonl, qrels.tsv)",
            file=sys.stderr,
        )
        return 2
    figures, run = evaluate(folder)
    if args.run:
        write_run(run, Path(args.run), depth=args.depth)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(
        f"{figures['needs']} needs, {figures['results']} results; "
        f"{figures['english_needs']} needs have an English grade-2 result"
    )
    header = f"{'system':<10} {'needs':<8} {'nDCG@10':>8} {'R@10':>8} {'MRR':>8} {'P@5':>8}"
    print(header)
    print("-" * len(header))
    for name, subsets in figures["systems"].items():
        for subset, m in subsets.items():
            print(
                f"{name:<10} {subset:<8} {m['ndcg@10']:>8.4f} {m['recall@10']:>8.4f} "
                f"{m['mrr']:>8.4f} {m['p@5']:>8.4f}"
            )
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from models.matches import AdHocMatchRequest, MatchQuery
    from techmatch.services import matching
    from techmatch.services.listings import NEEDS, RESULTS, get, get_by_code

    engine = _engine()
    service = matching.MatchingService(engine, poll_seconds=0)
    query = MatchQuery(limit=args.limit, include_closed=args.include_closed)
    with Session(engine) as session:
        service.refresh()
        if args.all:
            from techmatch.services.review import refresh_suggestions

            counts = refresh_suggestions(service, session=session)
            print(
                f"suggestions: {counts['created']} new, {counts['updated']} rescored; "
                "reviewed matches untouched"
            )
            return 0
        if args.text:
            answer = matching.match_text(
                service, AdHocMatchRequest(text=args.text, filters=query), session=session
            )
        else:
            kind = NEEDS if args.need else RESULTS
            ref = args.need or args.result
            row = (
                get(kind, int(ref), session=session)
                if ref.isdigit()
                else get_by_code(kind, ref, session=session)
            )
            print(f"{kind.name} {row.code}: {row.title}")
            use_case = matching.results_for_need if kind is NEEDS else matching.needs_for_result
            answer = use_case(service, row.id, query, session=session)
    print(f"{answer['candidates']} candidates, index version {answer['index_version']}")
    for item in answer["items"]:
        listing = item.get("result") or item.get("need")
        print(
            f"\n{item['rank']:>2}. {item['score']:.3f}  (top {100 - item['percentile']:.1f}%)  "
            f"{listing.code}  {listing.title}"
        )
        e = item["explanation"]
        terms = e["terms"][: args.terms]
        shared = "; ".join(
            (
                f"{t['label']} [{'/'.join(t['query_forms'])} ↔ {'/'.join(t['listing_forms'])}]"
                if t["bridge"]
                else t["label"]
            )
            + f" {t['score']:.3f}"
            for t in terms
        )
        print(f"    shared: {shared}")
        print(
            "    fields: "
            + "; ".join(f"{f['field']} {f['status']} ({f['detail']})" for f in e["fields"])
        )
    return 0


def cmd_resources(args: argparse.Namespace) -> int:
    from matcher.coverage import keyword_coverage, resource_stats
    from matcher.engine import Matcher

    matcher = Matcher()
    assert matcher.glossary is not None
    stats = resource_stats(matcher.glossary, matcher.analyzer)
    header = f"{'industry':<28}{'concepts':>9}{'zh terms':>10}{'en terms':>10}{'dictionary':>12}"
    print(header)
    print("-" * len(header))
    for industry in sorted(set(stats.concepts) | set(stats.dictionary)):
        print(
            f"{industry:<28}{stats.concepts[industry]:>9}{stats.zh_terms[industry]:>10}"
            f"{stats.en_terms[industry]:>10}{stats.dictionary[industry]:>12}"
        )
    print(
        f"{'total':<28}{sum(stats.concepts.values()):>9}{sum(stats.zh_terms.values()):>10}"
        f"{sum(stats.en_terms.values()):>10}{sum(stats.dictionary.values()):>12}"
    )
    print(
        f"stopwords: {stats.stopwords}; ambiguous surface forms (mapped to no concept): "
        f"{stats.ambiguous}"
    )
    if args.folder:
        c = keyword_coverage(Path(args.folder), matcher.glossary, matcher.analyzer)
        print(
            f"English keywords mapped to a concept with a Chinese term: "
            f"{c.english_mapped}/{c.english_keywords} = {c.english_share:.1%}"
        )
        print(
            f"Chinese keywords kept whole by the tokenizer: "
            f"{c.chinese_whole}/{c.chinese_keywords} = {c.chinese_share:.1%}"
        )
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

    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="add a user; the password is read from standard input")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--username", required=True)
    add.add_argument("--org", help="id or code of the user's organization (enterprise, institute)")
    add.set_defaults(func=cmd_user)

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

    ev = sub.add_parser(
        "eval",
        help="measure match quality on an evaluation folder",
        description="Rank every result for every need with the production matcher and print "
        "nDCG@10, Recall@10, MRR and P@5, overall and for the needs whose grade-2 results are "
        "English, beside BM25 (bm25s) and plain TF-IDF from the same run.",
    )
    ev.add_argument("folder", help="folder with needs.jsonl, results.jsonl, qrels.tsv")
    ev.add_argument("--run", help="write the ranking as a TREC run file")
    ev.add_argument("--depth", type=int, default=100, help="results per need in the run (0: all)")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.set_defaults(func=cmd_eval)

    match = sub.add_parser("match", help="print the ranked matches of a listing or a text")
    which = match.add_mutually_exclusive_group(required=True)
    which.add_argument("--need", help="id or code of a need: its matching results")
    which.add_argument("--result", help="id or code of a result: the needs it fits")
    which.add_argument("--text", help="any text (a need being drafted): matching results")
    which.add_argument(
        "--all", action="store_true", help="store the top suggestions of every open need"
    )
    match.add_argument("--limit", type=int, default=10)
    match.add_argument("--terms", type=int, default=6, help="shared terms shown per match")
    match.add_argument("--include-closed", action="store_true")
    match.set_defaults(func=cmd_match)

    res = sub.add_parser("resources", help="the domain dictionary, stopwords and glossary")
    res_sub = res.add_subparsers(dest="resources_command", required=True)
    stats = res_sub.add_parser(
        "stats", help="counts per industry, and keyword coverage of an evaluation folder"
    )
    stats.add_argument("folder", nargs="?", help="evaluation or import folder (results.jsonl)")
    stats.set_defaults(func=cmd_resources)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
