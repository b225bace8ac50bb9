"""Shared fixtures: one migrated database per run (SQLite, or DATABASE_URL when set),
emptied after every test, and an HTTP client against the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, text
from sqlmodel import Session, SQLModel

from models.users import User
from techmatch.api.app import create_app
from techmatch.db import make_engine, migrate
from tests.support import TEST_DATABASE_URL, bearer, make_user, settings_for_tests


def _reset(engine: Engine) -> None:
    """Drop every table, whatever an earlier run left behind."""
    meta = MetaData()
    meta.reflect(bind=engine)
    meta.drop_all(bind=engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def database_url() -> str:
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    _reset(engine)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def app(engine: Engine):  # noqa: ANN201 - a FastAPI app
    # No background refresh: tests call app.state.matching.refresh() when they need it.
    return create_app(settings_for_tests(), engine=engine)


@pytest.fixture
def staff(engine: Engine) -> User:
    return make_user(engine, "staff", username="staff")


@pytest.fixture
def client(app, staff: User) -> Iterator[TestClient]:  # noqa: ANN001
    """A client logged in as transfer-centre staff (who may write any listing)."""
    with TestClient(app) as client:
        client.headers.update(bearer(staff))
        yield client


@pytest.fixture
def anon(client: TestClient) -> TestClient:
    """The same app, asked by an anonymous visitor."""
    return TestClient(client.app)


@pytest.fixture
def enterprise(client: TestClient) -> dict:
    r = client.post(
        "/api/v1/organizations",
        json={
            "code": "cz-hengda-pipe",
            "name": "沧州恒达管件制造有限公司",
            "kind": "enterprise",
            "region": "cangzhou-hitech",
            "industries": ["pipeline-equipment"],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def institute(client: TestClient) -> dict:
    r = client.post(
        "/api/v1/organizations",
        json={
            "code": "hebut",
            "name": "河北工业大学",
            "kind": "institute",
            "region": "tianjin",
            "industries": ["new-materials", "pipeline-equipment"],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="session")
def matcher():  # noqa: ANN201 - matcher.engine.Matcher
    """The production matcher (dictionary, glossary, weights), loaded once."""
    from techmatch.services.matching import default_matcher

    return default_matcher()
