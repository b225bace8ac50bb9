"""Users, passwords (Argon2) and bearer tokens (signed, expiring)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jwt
from pwdlib import PasswordHash
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.codes import OrganizationKind
from models.listings import Organization
from models.users import ROLE_ORGANIZATION, Role, User, UserCreate, UserUpdate
from techmatch.config import Settings
from techmatch.services.errors import Conflict, InvalidInput, NotFound

ALGORITHM = "HS256"


class BadCredentials(Exception):
    """A wrong username or password, or a token that is invalid or expired (HTTP 401)."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()  # Argon2id with the library's current parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# A hash to verify against when the username does not exist, so that a wrong username
# takes as long as a wrong password.
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(username: str, password: str, *, session: Session) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        _hasher().verify(password, _dummy_hash())
        raise BadCredentials("incorrect username or password")
    valid, new_hash = _hasher().verify_and_update(password, user.password_hash)
    if not valid or not user.active:
        raise BadCredentials("incorrect username or password")
    if new_hash is not None:  # parameters got stronger since this hash was made
        user.password_hash = new_hash
        session.add(user)
        session.commit()
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


def issue_token(user: User, settings: Settings) -> IssuedToken:
    seconds = settings.token_minutes * 60
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(user.id), "iat": now, "exp": now + dt.timedelta(seconds=seconds)}
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)
    return IssuedToken(token, seconds)


def user_for_token(token: str, settings: Settings, *, session: Session) -> User:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
        user_id = int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise BadCredentials("the token is invalid or has expired") from exc
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise BadCredentials("the token's user no longer exists or is disabled")
    return user


# --------------------------------------------------------------------------- management


def _check_organization(role: Role, organization_id: int | None, *, session: Session) -> None:
    kind = ROLE_ORGANIZATION[role]
    if kind is None:
        if organization_id is not None:
            raise InvalidInput.field("organization_id", f"a {role} user belongs to no organization")
        return
    if organization_id is None:
        raise InvalidInput.field("organization_id", f"a {role} user belongs to an {kind}")
    org = session.get(Organization, organization_id)
    if org is None:
        raise InvalidInput.field(
            "organization_id", f"organization {organization_id} does not exist"
        )
    allowed = {kind} | ({OrganizationKind.transfer_center} if role == Role.enterprise else set())
    if org.kind not in allowed:
        raise InvalidInput.field(
            "organization_id",
            f"a {role} user belongs to an {kind}, but organization {organization_id} is a "
            f"{org.kind}",
        )


def create(data: UserCreate, *, session: Session) -> User:
    _check_organization(data.role, data.organization_id, session=session)
    taken = session.exec(select(User.id).where(User.username == data.username)).first()
    if taken is not None:
        raise Conflict(f"username '{data.username}' is taken")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        role=data.role,
        organization_id=data.organization_id,
        lang=data.lang,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"username '{data.username}' is taken") from exc
    session.refresh(user)
    return user


def get(user_id: int, *, session: Session) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def update(user: User, changes: UserUpdate, *, session: Session) -> User:
    patch = changes.model_dump(exclude_unset=True)
    if patch.get("password") is not None:
        user.password_hash = hash_password(patch["password"])
    for key in ("active", "lang"):
        if patch.get(key) is not None:
            setattr(user, key, patch[key])
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def get_all(*, session: Session, limit: int, offset: int) -> tuple[Sequence[User], int]:
    total = session.exec(select(func.count()).select_from(User)).one()
    ordered = select(User).order_by(User.id)  # type: ignore[arg-type]
    rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return rows, total


# --------------------------------------------------------------------------- demo


DEMO_USERS: tuple[tuple[str, Role], ...] = (
    ("admin", Role.admin),
    ("staff", Role.staff),
    ("enterprise", Role.enterprise),
    ("institute", Role.institute),
)


def ensure_demo_users(
    organizations: dict[Role, int | None], *, session: Session
) -> list[tuple[str, Role, str]]:
    """One user per role with a fresh random password (printed by ``serve --demo``)."""
    made: list[tuple[str, Role, str]] = []
    for username, role in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        user = session.exec(select(User).where(User.username == username)).first()
        org_id = organizations.get(role)
        if user is None:
            user = User(username=username, password_hash="", role=role)
        user.role, user.organization_id, user.active = role, org_id, True
        user.password_hash = hash_password(password)
        session.add(user)
        made.append((username, role, password))
    session.commit()
    return made


__all__ = [
    "BadCredentials",
    "authenticate",
    "create",
    "ensure_demo_users",
    "hash_password",
    "issue_token",
    "user_for_token",
]
