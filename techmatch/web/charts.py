"""Charts drawn on the server as SVG: no script, prints and screenshots as seen."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = ("#9fb8d9", "#6f97c9", "#3f74b5", "#1f5596", "#0d3a70")


def funnel(title: str, stages: Sequence[str], counts: Sequence[int]) -> Markup:
    """Horizontal bars, one per stage, widest first: how far matches got. Lengths follow the
    square root of the counts, so the late stages stay visible beside hundreds of
    suggestions; every bar carries its number."""
    width, bar, gap, left = 420, 22, 6, 120
    top = 28
    height = top + len(stages) * (bar + gap) + 4
    most = max(max(counts, default=0), 1)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    for i, (stage, n) in enumerate(zip(stages, counts, strict=True)):
        y = top + i * (bar + gap)
        w = (width - left - 50) * (n / most) ** 0.5
        colour = COLOURS[min(i, len(COLOURS) - 1)]
        parts += [
            f'<text x="{left - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
            f"{escape(stage)}</text>",
            f'<rect x="{left}" y="{y}" width="{max(w, 1):.1f}" height="{bar}" rx="3" '
            f'fill="{colour}"><title>{escape(stage)}: {n}</title></rect>',
            f'<text x="{left + w + 6:.1f}" y="{y + bar * 0.7:.1f}" class="value">{n}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly(
    title: str, months: Sequence[str], counts: Sequence[int], values: Sequence[float], unit: str
) -> Markup:
    """Columns of contracts per month, each labelled with the month's contract value."""
    width, height, left, bottom, top = 960, 240, 30, 40, 30
    n = max(len(months), 1)
    slot = (width - left - 10) / n
    most = max(max(counts, default=0), 1)
    plot = height - top - bottom
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot}" x2="{width - 10}" y2="{top + plot}" class="axis"/>',
    ]
    for i, (month, count, value) in enumerate(zip(months, counts, values, strict=True)):
        x = left + i * slot
        h = plot * count / most
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(h, 0.5):.1f}" fill="{COLOURS[3]}"><title>{escape(month)}: {count}, '
            f"{value:,.0f} {escape(unit)}</title></rect>"
        )
        if count:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{top + plot - h - 4:.1f}" text-anchor="middle" '
                f'class="value">{count}</text>'
            )
        if len(months) <= 12 or i % 2 == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'class="tick">{escape(month[2:])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
