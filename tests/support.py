"""What the fixtures and module-level test helpers share."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

# The database the tests run against: DATABASE_URL when set (CI sets it to a throwaway
# PostgreSQL cluster), else a SQLite file in a fresh temporary folder.
TEST_DATABASE_URL = os.environ.get("DATABASE_URL") or (
    f"sqlite:///{Path(tempfile.mkdtemp(prefix='techmatch-test-')) / 'test.db'}"
)

# Signs the tests' bearer tokens (outside demo mode the default secret is refused).
TEST_SECRET = "test-secret-5f0c9a7e-not-used-anywhere-else"
PASSWORD = "correct-horse-battery"


def settings_for_tests(**overrides: object):  # noqa: ANN201 - techmatch.config.Settings
    from techmatch.config import Settings

    values: dict[str, object] = {
        "DATABASE_URL": TEST_DATABASE_URL,
        "migrate_on_start": False,
        "match_poll_seconds": 0,
        "secret_key": TEST_SECRET,
    }
    return Settings(**(values | overrides))


def make_user(engine, role: str, organization_id: int | None = None, username: str = ""):  # noqa: ANN001, ANN201
    """A user straight in the database (password ``PASSWORD``)."""
    from sqlmodel import Session

    from models.users import User
    from techmatch.services.users import hash_password

    with Session(engine) as session:
        user = User(
            username=username or f"{role}-{organization_id or 0}",
            password_hash=hash_password(PASSWORD),
            role=role,
            organization_id=organization_id,
        )
        session.add(user)
        session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def bearer(user) -> dict[str, str]:  # noqa: ANN001
    """Authorization header for ``user``."""
    from techmatch.services.users import issue_token

    return {"Authorization": f"Bearer {issue_token(user, settings_for_tests()).token}"}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``techmatch serve`` in a child process, as a user starts it."""

    def __init__(self, *args: str, cwd: Path, env: dict[str, str]) -> None:
        import subprocess
        import sys

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd / f"serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "techmatch.cli", "serve", "--port", str(self.port), *args],
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def wait_ready(self, timeout: float = 90) -> dict:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                return httpx.get(f"{self.base}/api/v1/health", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.3)
        raise AssertionError(f"the server did not start:\n{self.log()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except Exception:  # noqa: BLE001 - make sure it is gone
            self.process.kill()
        self._log.close()
