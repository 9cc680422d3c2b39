"""Server-side SVG charts (no script): a completion funnel and completions over time."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

BAR_H, GAP, LABEL_W, PLOT_W = 14, 10, 190, 360


def funnel_svg(
    title: str, rows: list[tuple[str, int, int, int]], legend: tuple[str, ...]
) -> Markup:
    """Grouped horizontal bars per module: (label, learners, started, completed)."""
    peak = max([r[1] for r in rows] + [1])
    group = 3 * BAR_H + GAP
    height = max(1, len(rows)) * group + 40
    width = LABEL_W + PLOT_W + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}"><title>{escape(title)}</title>'
    ]
    shades = ("#c9d6e8", "#6f93c7", "#1f4e8c")
    for i, (label, *values) in enumerate(rows):
        y0 = 10 + i * group
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y0 + 1.8 * BAR_H}" text-anchor="end" '
            f'font-size="12">{escape(label[:30])}</text>'
        )
        for j, value in enumerate(values):
            w = round(PLOT_W * value / peak, 1)
            y = y0 + j * BAR_H
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H - 2}" '
                f'fill="{shades[j]}"/><text x="{LABEL_W + w + 4}" y="{y + BAR_H - 3}" '
                f'font-size="11">{value}</text>'
            )
    ly = height - 16
    for j, name in enumerate(legend):
        x = LABEL_W + j * 120
        parts.append(
            f'<rect x="{x}" y="{ly - 10}" width="10" height="10" fill="{shades[j]}"/>'
            f'<text x="{x + 14}" y="{ly}" font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text part went through escape())


def timeline_svg(title: str, weeks: list[tuple[date, int]]) -> Markup:
    """Cumulative module completions per week, as a line with points."""
    width, height, left, bottom = 560, 220, 50, 30
    total, points = 0, []
    for _week, n in weeks:
        total += n
        points.append(total)
    peak = max([*points, 1])
    step = (width - left - 20) / max(1, len(points) - 1)
    coords = [
        (round(left + i * step, 1), round(height - bottom - (height - bottom - 20) * v / peak, 1))
        for i, v in enumerate(points)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="#555"/><line x1="{left}" y1="10" x2="{left}" y2="{height - bottom}" '
        f'stroke="#555"/><text x="{left - 6}" y="24" text-anchor="end" font-size="11">'
        f"{peak}</text>",
    ]
    if coords:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f4e8c" stroke-width="2"/>')
        parts.extend(f'<circle cx="{x}" cy="{y}" r="3" fill="#1f4e8c"/>' for x, y in coords)
        first, last = weeks[0][0].isoformat(), weeks[-1][0].isoformat()
        parts.append(
            f'<text x="{left}" y="{height - 10}" font-size="11">{first}</text>'
            f'<text x="{width - 10}" y="{height - 10}" text-anchor="end" font-size="11">'
            f"{last}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text part went through escape())
