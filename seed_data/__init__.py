"""Demo listings: the two zones' enterprises, Beijing / Tianjin / Hebei and CEE institutes.

The files use the import format (the evaluation format plus a few fields), so
``techmatch import`` and ``techmatch seed`` read them the same way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# Import order: organizations first, listings refer to them.
FILES = ("organizations.jsonl", "needs.jsonl", "results.jsonl")


def paths() -> list[Path]:
    root = resources.files(__name__)
    return [Path(str(root.joinpath(name))) for name in FILES]


def reviews_path() -> Path:
    """The demo's review story: how staff took some suggested pairs towards contracts."""
    return Path(str(resources.files(__name__).joinpath("reviews.jsonl")))
