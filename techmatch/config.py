"""Settings from the environment, with safe defaults for the demo."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TECHMATCH_", extra="ignore")

    # The database; a SQLite file in the working folder unless DATABASE_URL says otherwise.
    database_url: str = Field(default="sqlite:///techmatch.db", validation_alias="DATABASE_URL")
    # Apply migrations when the app starts (the CLI turns this off for workers it has
    # already migrated for).
    migrate_on_start: bool = True
    # How often each process checks whether listings changed and its index needs a rebuild.
    match_poll_seconds: float = 1.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
