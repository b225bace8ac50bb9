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
