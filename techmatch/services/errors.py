"""Domain errors; ``techmatch.api.errors`` maps them to HTTP in one place."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class Unauthorized(DomainError):
    """No valid login where one is needed (HTTP 401)."""


class Forbidden(DomainError):
    """Logged in, but this user may not do this (HTTP 403)."""


class InvalidInput(DomainError):
    """Input that passed the schema but not the rules; ``errors`` name the fields."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls([{"loc": [name], "msg": message, "type": "value_error"}])

    @classmethod
    def from_validation(cls, exc: ValidationError) -> InvalidInput:
        return cls(
            [
                {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False, include_input=False)
            ]
        )
