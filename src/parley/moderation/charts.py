"""Server-side SVG charts for the dashboard: no JavaScript, no CDN, every label escaped."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], *,
                 title: str, width: int = 720, height: int = 220) -> SafeString:
    """Return an SVG stacked bar chart: one bar per label, one colour per (name, colour, values)."""
    left, bottom, top = 36, 28, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    peak = max(totals + [1])
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        f'stroke="#9aa0a6"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for name, colour, values in series:
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{escape(colour)}"><title>{escape(label)}: {value} '
                f"{escape(name)}</title></rect>"
            )
        if len(labels) <= 16 or i % max(len(labels) // 8, 1) == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def horizontal_bars(rows: Sequence[tuple[str, int]], *, title: str, width: int = 720,
                    colour: str = "#5f6368") -> SafeString:
    """Return an SVG list of labelled horizontal bars (e.g. the top reasons)."""
    row_h, label_w = 22, 300
    height = max(len(rows), 1) * row_h + 8
    peak = max([count for _, count in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, count) in enumerate(rows):
        y = 4 + i * row_h
        bar = (width - label_w - 60) * count / peak
        short = label if len(label) <= 48 else label[:47] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row_h - 8}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{label_w + bar + 4:.1f}" y="{y + 14}" font-size="11">{count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
