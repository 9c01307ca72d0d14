"""Small charts drawn on the server as SVG: no script, readable by screen readers through a table."""

from decimal import Decimal

WIDTH, HEIGHT, PAD = 240, 80, 8


def line_svg(points: list[tuple[str, float]], *, low: float, high: float, title: str) -> str:
    """An SVG polyline of (label, value) points on a fixed scale, with a title for assistive technology."""
    if not points:
        return ""
    span = high - low or 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [
        (PAD + i * step, HEIGHT - PAD - (float(value) - low) / span * (HEIGHT - 2 * PAD))
        for i, (_, value) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"></circle>' for x, y in coords)
    return (
        f'<svg class="kith-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<polyline fill="none" stroke="#005eb8" stroke-width="2" points="{path}"></polyline>'
        f'<g fill="#005eb8">{dots}</g></svg>'
    )


def change_text(first: Decimal | float | None, last: Decimal | float | None) -> str:
    if first is None or last is None:
        return ""
    change = float(last) - float(first)
    if abs(change) < 0.005:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):.2f}"
