"""Bar charts drawn on the server as SVG, each with a table beside it for screen readers."""

from html import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 18, 8, 210, 640


def bars(rows: list[tuple[str, list[tuple[str, float, str]]]], *, title: str, unit: str = "", digits: int = 0) -> str:
    """rows: (label, [(series name, value, colour), ...]); one group of bars per row, each bar's value written
    beside it rounded to `digits` places and followed by `unit` (the title says what the unit means)."""
    series_count = max((len(values) for _, values in rows), default=1)
    group = series_count * BAR_HEIGHT + GAP
    height = len(rows) * group + GAP
    top = max((v for _, values in rows for _, v, _ in values), default=0) or 1
    parts = [
        f'<svg class="kith-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for r, (label, values) in enumerate(rows):
        y = GAP + r * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + series_count * BAR_HEIGHT / 2 + 5}" text-anchor="end" '
            f'font-size="13">{escape(label)}</text>'
        )
        for s, (name, value, colour) in enumerate(values):
            width = (WIDTH - LABEL_WIDTH - 50 - 7 * len(unit)) * value / top  # room for the value written after
            shown = escape(f"{value:,.{digits}f}{unit}")
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + s * BAR_HEIGHT}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT - 3}" fill="{colour}"><title>{escape(name)}: {shown}</title></rect>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + s * BAR_HEIGHT + 12}" font-size="12">{shown}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
