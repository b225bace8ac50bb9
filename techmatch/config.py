"""Settings from the environment, with safe defaults for the demo."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "techmatch-demo-secret-not-for-production"


class InsecureSettings(RuntimeError):
    """The service would run with settings that are unsafe outside a demo."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TECHMATCH_", extra="ignore")

    # The database; a SQLite file in the working folder unless DATABASE_URL says otherwise.
    database_url: str = Field(default="sqlite:///techmatch.db", validation_alias="DATABASE_URL")
    # Apply migrations when the app starts (the CLI turns this off for workers it has
    # already migrated for).
    migrate_on_start: bool = True
    # How often each process checks whether listings changed and its index needs a rebuild.
    match_poll_seconds: float = 1.0
    # Demo mode (``serve --demo``): demo data, demo users, and the default secret allowed.
    demo: bool = False
    # Signs the bearer tokens; the service refuses the default outside demo mode.
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # How long a bearer token stays valid.
    token_minutes: int = Field(default=8 * 60, ge=1, le=30 * 24 * 60)

    def check(self) -> None:
        """Refuse settings that are only fit for a demo."""
        secret = self.secret_key.get_secret_value()
        if len(secret) < 32:
            raise InsecureSettings("TECHMATCH_SECRET_KEY must be at least 32 characters long")
        if not self.demo and secret == DEFAULT_SECRET:
            raise InsecureSettings(
                "TECHMATCH_SECRET_KEY is not set: the default secret is only allowed with "
                "`techmatch serve --demo`. Set it to a long random value, e.g. "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
