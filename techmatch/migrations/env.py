"""Alembic environment: runs against the engine the service hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.listings  # noqa: F401  (registers the tables)
import models.matching  # noqa: F401
import models.review  # noqa: F401
import models.users  # noqa: F401
from techmatch.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
