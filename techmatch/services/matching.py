"""The matching service: keeps each listing's tokens, builds the two indexes (results for a
need, needs for a result) in the background and swaps them in whole, and answers match
queries from whichever index is current.

Listing writes call :func:`listing_changed` in their own transaction: it drops the listing's
kept tokens and bumps the version in ``matching_state``. Every process polls that version and
rebuilds when it moved, tokenising only the listings without kept tokens. A query never waits
for a rebuild and never sees a half-built index.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matcher.documents import Analyzed, Document, Facets, need_document, result_document
from matcher.engine import MATCHER_VERSION, Matcher
from matcher.index import Index, Segments, with_changes
from matcher.rank import Filters, Ranking
from models.listings import ResearchResult, TechNeed
from models.matching import ListingChange, ListingTokens, MatchingState
from techmatch.services import access
from techmatch.services.access import Viewer
from techmatch.services.errors import NotFound

log = logging.getLogger(__name__)

NEED, RESULT = "need", "result"


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """One matcher per process: the jieba dictionary and the glossary load once."""
    return Matcher()


def doc_id(listing_id: int) -> str:
    """Index ids sort like the numbers they carry, so ties break by listing id."""
    return f"{listing_id:010d}"


def listing_id(document_id: str) -> int:
    return int(document_id)


def listing_changed(kind: str, listing_id: int, *, session: Session) -> None:
    """Forget the listing's kept tokens and tell every process the listings moved on, and
    which listing moved."""
    session.exec(  # type: ignore[call-overload]
        delete(ListingTokens).where(
            ListingTokens.kind == kind, ListingTokens.listing_id == listing_id
        )
    )
    version = bump_version(session=session)
    session.add(ListingChange(version=version, kind=kind, listing_id=listing_id))


def bump_version(*, session: Session) -> int:
    """The next listings version. The update locks the state row until commit, so versions
    commit in order: whoever reads version V has every change up to V committed."""
    version = session.execute(
        update(MatchingState)
        .where(MatchingState.id == 1)
        .values(version=MatchingState.version + 1)
        .returning(MatchingState.version)  # type: ignore[call-overload]
    ).scalar_one_or_none()
    if version is None:
        session.add(MatchingState(id=1, version=1))
        version = 1
    return int(version)


def current_version(*, session: Session) -> int:
    state = session.get(MatchingState, 1)
    return state.version if state else 0


# --------------------------------------------------------------------------- rows → documents


def row_values(row: Any) -> dict[str, Any]:
    """A table row's column values by name."""
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}


def _columns(row: Any) -> dict[str, Any]:
    data = row_values(row)
    data["id"] = doc_id(row.id or 0)
    data["organization"] = row.organization_id
    return data


def need_row_document(row: TechNeed) -> Document:
    return need_document(_columns(row))


def result_row_document(row: ResearchResult) -> Document:
    return result_document(_columns(row))


def _analyzed_from_json(data: dict[str, Any], facets: Facets, document_id: str) -> Analyzed:
    return Analyzed(
        id=document_id,
        lang=data["lang"],
        channels=data["channels"],
        surfaces=data["surfaces"],
        facets=facets,
    )


def _analyzed_to_json(analyzed: Analyzed) -> dict[str, Any]:
    return {"lang": analyzed.lang, "channels": analyzed.channels, "surfaces": analyzed.surfaces}


# --------------------------------------------------------------------------- the service


@dataclass(frozen=True)
class Indexes:
    results: Index | Segments  # query: a need
    needs: Index | Segments  # query: a result
    version: int
    built_at: dt.datetime
    base_version: int  # the listings version of the base indexes
    changed: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())  # needs, results


# Below this many listings the indexes are rebuilt whole on every change: that takes about
# a second and keeps the weighting (idf) current; a delta pays off only on a larger base.
DELTA_FROM = 5_000
# A delta beyond this many listings (or a fiftieth of the base) is merged into a new base in
# the background; until then it keeps growing, each step costing the changed listings only.
DELTA_LISTINGS = 2_000
# Changes older than this are forgotten when a new base is built; a process whose base is
# older still rebuilds in full.
CHANGES_KEPT = dt.timedelta(days=2)


class MatchingService:
    """Owns the current indexes of one process.

    The indexes are a base, built from every listing, plus a delta of the listings changed
    since, built against the base's weighting. Each poll that finds the listings version
    moved rebuilds only the delta (the listings in ``listing_change`` after the base's
    version); when the delta grows large, a new base is built on another thread while deltas
    keep coming, and swapped in with the changes made meanwhile."""

    def __init__(
        self,
        engine: Engine,
        *,
        matcher: Matcher | None = None,
        poll_seconds: float = 1.0,
        delta_from: int = DELTA_FROM,
        delta_listings: int = DELTA_LISTINGS,
    ) -> None:
        self.engine = engine
        self.delta_from = delta_from
        self.delta_listings = delta_listings
        self._matcher = matcher
        self.poll_seconds = poll_seconds
        self._indexes: Indexes | None = None
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._merging: threading.Thread | None = None
        # Called after each rebuild from the background thread (errors are logged).
        self.on_rebuilt: Callable[[], None] | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = default_matcher()
        return self._matcher

    # -- life

    def start(self) -> None:
        """Build once now, then keep up with changes from a background thread."""
        self.refresh()
        if self._thread is None and self.poll_seconds > 0:
            self._thread = threading.Thread(target=self._loop, name="index-refresh", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._thread, self._merging):
            if thread is not None:
                thread.join(timeout=10)
        self._thread = self._merging = None

    def _loop(self) -> None:
        if self.on_rebuilt is not None:  # the first build happened in start()
            try:
                self.on_rebuilt()
            except Exception:
                log.exception("after the first build")
        while not self._stop.wait(self.poll_seconds):
            try:
                if self.refresh() and self.on_rebuilt is not None:
                    self.on_rebuilt()
            except Exception:  # keep serving the old index; try again next tick
                log.exception("index refresh failed")

    @property
    def indexes(self) -> Indexes:
        current = self._indexes
        if current is None:
            self.refresh()
            current = self._indexes
        assert current is not None
        return current

    def refresh(self, *, force: bool = False) -> bool:
        """Catch up with the listings if they changed since the current indexes; True if the
        indexes were swapped. ``force`` builds a new base now, on this thread."""
        with self._build_lock:
            current = self._indexes
            with Session(self.engine) as session:
                version = current_version(session=session)
                if not force and current is not None and current.version == version:
                    return False
                if (
                    not force
                    and current is not None
                    and self._base_size(current) >= self.delta_from
                ):
                    changed = changes_between(session, current.base_version, version)
                    if changed is not None:
                        self._indexes = self._with_changes(session, current, changed, version)
                        if self._delta_size(self._indexes) > self._delta_limit(self._indexes):
                            self._merge_in_background()
                        return True
            self._indexes = self._build_base()
            return True

    def _build_base(self) -> Indexes:
        """New base indexes of every listing (delta empty) at the version read first."""
        with Session(self.engine) as session:
            version = current_version(session=session)
            results = self._analyzed(session, RESULT, ResearchResult, result_row_document)
            needs = self._analyzed(session, NEED, TechNeed, need_row_document)
            session.exec(  # type: ignore[call-overload]
                delete(ListingChange).where(
                    ListingChange.changed_at < dt.datetime.now(dt.UTC) - CHANGES_KEPT  # type: ignore[arg-type]
                )
            )
            session.commit()
        built = Indexes(
            results=self.matcher.build(results, version=version),
            needs=self.matcher.build(needs, version=version),
            version=version,
            built_at=dt.datetime.now(dt.UTC),
            base_version=version,
        )
        log.info("index version %d: %d results, %d needs", version, len(results), len(needs))
        return built

    def _with_changes(
        self,
        session: Session,
        current: Indexes,
        changed: tuple[frozenset[int], frozenset[int]],
        version: int,
    ) -> Indexes:
        """The current base with a delta of every listing changed since it."""
        needs_changed, results_changed = changed
        results = self._analyzed(
            session, RESULT, ResearchResult, result_row_document, ids=results_changed
        )
        needs = self._analyzed(session, NEED, TechNeed, need_row_document, ids=needs_changed)
        results_base = _base(current.results)
        needs_base = _base(current.needs)
        log.info(
            "index version %d: base %d + %d changed listings",
            version,
            current.base_version,
            len(needs_changed) + len(results_changed),
        )
        return Indexes(
            results=with_changes(
                results_base, map(doc_id, results_changed), results, version=version
            ),
            needs=with_changes(needs_base, map(doc_id, needs_changed), needs, version=version),
            version=version,
            built_at=dt.datetime.now(dt.UTC),
            base_version=current.base_version,
            changed=changed,
        )

    @staticmethod
    def _delta_size(indexes: Indexes) -> int:
        return sum(len(ids) for ids in indexes.changed)

    @staticmethod
    def _base_size(indexes: Indexes) -> int:
        return len(_base(indexes.results)) + len(_base(indexes.needs))

    def _delta_limit(self, indexes: Indexes) -> int:
        return max(self.delta_listings, self._base_size(indexes) // 50)

    def _merge_in_background(self) -> None:
        if self._merging is not None and self._merging.is_alive():
            return
        self._merging = threading.Thread(target=self._merge, name="index-merge", daemon=True)
        self._merging.start()

    def _merge(self) -> None:
        """Build a new base without holding the lock, then swap it in with the changes made
        while it was built."""
        try:
            built = self._build_base()
            with self._build_lock, Session(self.engine) as session:
                version = current_version(session=session)
                changed = changes_between(session, built.base_version, version)
                if changed is not None and version != built.version:
                    built = self._with_changes(session, built, changed, version)
                # Otherwise the next poll finds the record incomplete and rebuilds in full.
                self._indexes = built
        except Exception:
            log.exception("index merge failed")

    def _analyzed(
        self,
        session: Session,
        kind: str,
        table: Any,
        to_doc: Any,
        *,
        ids: frozenset[int] | None = None,
    ) -> list[Analyzed]:
        """The analysed form of every listing (or of those of ``ids`` that exist); listings
        without kept tokens are tokenised now and their tokens stored."""
        tokens = select(ListingTokens).where(
            ListingTokens.kind == kind, ListingTokens.matcher_version == MATCHER_VERSION
        )
        rows = select(table).order_by(table.id)
        if ids is not None:
            if not ids:
                return []
            tokens = tokens.where(ListingTokens.listing_id.in_(ids))  # type: ignore[attr-defined]
            rows = rows.where(table.id.in_(ids))
        kept = {t.listing_id: t.data for t in session.exec(tokens)}
        out: list[Analyzed] = []
        fresh: list[ListingTokens] = []
        for row in session.exec(rows):
            document = to_doc(row)
            data = kept.get(row.id)
            if data is None:
                analyzed = self.matcher.analyze(document)
                fresh.append(
                    ListingTokens(
                        kind=kind,
                        listing_id=row.id,
                        matcher_version=MATCHER_VERSION,
                        data=_analyzed_to_json(analyzed),
                    )
                )
            else:
                analyzed = _analyzed_from_json(data, document.facets, document.id)
            out.append(analyzed)
        if fresh:
            _keep_tokens(session, kind, fresh)
        return out

    # -- queries

    def for_need(
        self, need: TechNeed, *, filters: Filters, k: int
    ) -> tuple[Ranking, Index | Segments]:
        return self.for_document(need_row_document(need), target=RESULT, filters=filters, k=k)

    def for_result(
        self, result: ResearchResult, *, filters: Filters, k: int
    ) -> tuple[Ranking, Index | Segments]:
        return self.for_document(result_row_document(result), target=NEED, filters=filters, k=k)

    def for_document(
        self, document: Document, *, target: str, filters: Filters, k: int
    ) -> tuple[Ranking, Index | Segments]:
        """Rank ``document`` against the results (``target`` result) or the needs."""
        index = self.indexes.results if target == RESULT else self.indexes.needs
        query = self.matcher.analyze(document)
        return self.matcher.rank(query, index, k=k, filters=filters), index


def _base(index: Index | Segments) -> Index:
    return index.base if isinstance(index, Segments) else index


def changes_between(
    session: Session, since: int, version: int
) -> tuple[frozenset[int], frozenset[int]] | None:
    """(needs, results) changed after listings version ``since`` up to ``version``; None
    when the record of those versions is incomplete (forgotten): then only starting over
    will do."""
    if version < since:
        return None
    rows = session.exec(
        select(ListingChange.kind, ListingChange.listing_id).where(
            ListingChange.version > since,  # type: ignore[arg-type]
            ListingChange.version <= version,  # type: ignore[arg-type]
        )
    ).all()
    if len(rows) != version - since:
        return None
    needs = frozenset(listing for kind, listing in rows if kind == NEED)
    results = frozenset(listing for kind, listing in rows if kind == RESULT)
    return needs, results


def _keep_tokens(session: Session, kind: str, fresh: list[ListingTokens]) -> None:
    """Store freshly made tokens. They are a cache: if another process stored the same
    listings' tokens meanwhile, theirs are kept and ours dropped."""
    try:
        session.exec(  # type: ignore[call-overload]
            delete(ListingTokens).where(
                ListingTokens.kind == kind,
                ListingTokens.listing_id.in_([t.listing_id for t in fresh]),  # type: ignore[attr-defined]
            )
        )
        session.add_all(fresh)
        session.commit()
    except IntegrityError:
        session.rollback()
        log.info("kept tokens of %d %ss were stored by another process", len(fresh), kind)


def listing_ids(ranking: Ranking) -> list[int]:
    return [listing_id(m.id) for m in ranking.matches]


def load_listings(table: Any, ids: Sequence[int], *, session: Session) -> dict[int, Any]:
    if not ids:
        return {}
    rows = session.exec(select(table).where(table.id.in_(list(ids))))
    return {row.id: row for row in rows}


def get_listing(table: Any, item_id: int, name: str, *, session: Session) -> Any:
    row = session.get(table, item_id)
    if row is None:
        raise NotFound(f"{name} {item_id} not found")
    return row


# --------------------------------------------------------------------------- use cases


def filters_for(
    query: Any,
    *,
    organization_id: int | None,
    cooperation: Sequence[str] = (),
    budget_wan: float | None = None,
    price_wan: float | None = None,
) -> Filters:
    """Filters from a ``MatchQuery`` and the querying listing."""
    return Filters(
        region_groups=tuple(str(g) for g in query.region_group),
        countries=tuple(query.country),
        min_maturity=str(query.min_maturity) if query.min_maturity else None,
        min_trl=query.min_trl,
        cooperation=tuple(str(c) for c in cooperation) if query.compatible_cooperation else (),
        money_at_most=budget_wan if query.within_budget else None,
        money_at_least=price_wan if query.within_budget else None,
        only_open=not query.include_closed,
        exclude_organization=str(organization_id) if organization_id else None,
    )


def _explanation(explanation: Any) -> dict[str, Any]:
    return {
        "channels": {c: round(v, 6) for c, v in explanation.channels.items()},
        "terms": [
            {
                "channel": t.channel,
                "term": t.term,
                "label": t.label,
                "score": round(t.score, 6),
                "query_forms": list(t.query_forms),
                "listing_forms": list(t.doc_forms),
                "bridge": t.bridge,
            }
            for t in explanation.terms
        ],
        "fields": [
            {"field": f.field, "status": f.status, "detail": f.detail} for f in explanation.fields
        ],
    }


def private_explanation(explanation: dict[str, Any]) -> dict[str, Any]:
    """An explanation without the shared terms and field checks (they would show a
    confidential need's words and figures)."""
    return {"channels": explanation["channels"], "terms": [], "fields": []}


def _answer(
    ranking: Ranking,
    index: Index | Segments,
    table: Any,
    key: str,
    *,
    session: Session,
    viewer: Viewer,
    private_query: bool = False,
) -> dict[str, Any]:
    rows = load_listings(table, listing_ids(ranking), session=session)
    items = []
    for m in ranking.matches:
        row = rows.get(listing_id(m.id))
        if row is None:  # deleted since the index was built
            continue
        explanation = _explanation(m.explanation)
        if private_query:
            explanation = private_explanation(explanation)
        if key == "need" and row.confidential and not access.insider(viewer, row.organization_id):
            row = row_values(row) | {
                "organization_id": None,
                "cooperation": [],
                "budget_wan": None,
            }
            explanation = private_explanation(explanation)
        items.append(
            {
                "rank": len(items) + 1,
                "score": m.score,
                "percentile": m.percentile,
                key: row,
                "explanation": explanation,
            }
        )
    return {
        "items": items,
        "candidates": ranking.candidates,
        "matcher_version": MATCHER_VERSION,
        "index_version": index.version,
    }


def results_for_need(
    service: MatchingService, need_id: int, query: Any, *, session: Session, viewer: Viewer = None
) -> dict[str, Any]:
    need = get_listing(TechNeed, need_id, "need", session=session)
    filters = filters_for(
        query,
        organization_id=need.organization_id,
        cooperation=need.cooperation,
        budget_wan=need.budget_wan,
    )
    ranking, index = service.for_need(need, filters=filters, k=query.limit)
    private = need.confidential and not access.insider(viewer, need.organization_id)
    return _answer(
        ranking,
        index,
        ResearchResult,
        "result",
        session=session,
        viewer=viewer,
        private_query=private,
    )


def needs_for_result(
    service: MatchingService, result_id: int, query: Any, *, session: Session, viewer: Viewer = None
) -> dict[str, Any]:
    ranking, index = _needs_ranked(service, result_id, query, session=session)
    return _answer(ranking, index, TechNeed, "need", session=session, viewer=viewer)


def need_ids_for_result(
    service: MatchingService, result_id: int, query: Any, *, session: Session
) -> list[int]:
    """The ids of the needs a result fits, best first (no rows loaded, nothing hidden: for
    the service's own bookkeeping, never for an answer)."""
    return listing_ids(_needs_ranked(service, result_id, query, session=session)[0])


def _needs_ranked(
    service: MatchingService, result_id: int, query: Any, *, session: Session
) -> tuple[Ranking, Index | Segments]:
    result = get_listing(ResearchResult, result_id, "result", session=session)
    filters = filters_for(
        query,
        organization_id=result.organization_id,
        cooperation=result.cooperation,
        price_wan=result.asking_price_wan,
    )
    return service.for_result(result, filters=filters, k=query.limit)


def match_text(
    service: MatchingService, request: Any, *, session: Session, viewer: Viewer = None
) -> dict[str, Any]:
    """Rank an ad-hoc text (a need being drafted, or a result) against existing listings."""
    target = RESULT if str(request.target) == "results" else NEED
    facets = Facets(
        kind=NEED if target == RESULT else RESULT,
        cooperation=tuple(str(c) for c in request.cooperation),
        money_wan=request.budget_wan,
    )
    document = Document(
        id="query",
        lang=str(request.lang),
        title=request.title,
        body=request.text,
        keywords=tuple(request.keywords),
        facets=facets,
    )
    filters = filters_for(
        request.filters,
        organization_id=None,
        cooperation=[str(c) for c in request.cooperation],
        budget_wan=request.budget_wan if target == RESULT else None,
        price_wan=request.budget_wan if target == NEED else None,
    )
    ranking, index = service.for_document(
        document, target=target, filters=filters, k=request.filters.limit
    )
    if target == RESULT:
        return _answer(ranking, index, ResearchResult, "result", session=session, viewer=viewer)
    return _answer(ranking, index, TechNeed, "need", session=session, viewer=viewer)
