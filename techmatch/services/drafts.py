"""What a need being drafted still lacks before institutes can judge it: measurable target
figures, a budget, the cooperation modes accepted and a deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A figure: a number, optionally with a comparison or a unit around it (≥98%, 0.5 mm, 3万次).
_FIGURE = re.compile(r"\d")
MIN_DESCRIPTION = 40  # characters: shorter descriptions rarely let an institute judge the fit


@dataclass(frozen=True)
class Missing:
    field: str
    code: str  # what is missing: a message key the pages translate


def missing_information(draft: dict[str, Any]) -> list[Missing]:
    missing: list[Missing] = []
    description = (draft.get("description") or "").strip()
    if len(description) < MIN_DESCRIPTION:
        missing.append(Missing("description", "describe_problem"))
    targets = (draft.get("targets") or "").strip()
    if not targets:
        missing.append(Missing("targets", "no_targets"))
    elif not _FIGURE.search(targets):
        missing.append(Missing("targets", "targets_without_figures"))
    if draft.get("budget_wan") in (None, ""):
        missing.append(Missing("budget_wan", "no_budget"))
    if not draft.get("cooperation"):
        missing.append(Missing("cooperation", "no_cooperation"))
    if not draft.get("deadline"):
        missing.append(Missing("deadline", "no_deadline"))
    return missing
