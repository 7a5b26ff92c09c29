"""Server-side charts: the geometry of a small SVG line chart (drawn by a template macro), so
charts work without JavaScript and under the strict CSP. Pure functions; imports nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24


@dataclass(frozen=True)
class Line:
    name: str
    css: str  # series-1, series-2 ...: colours live in the stylesheet
    points: str  # SVG polyline points; gaps (weeks without data) split it into segments
    segments: list[str]
    dots: list[tuple[float, float, str]]  # x, y and the value's label, for a <title>


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    fmt=lambda v: f"{v:g}",
    y_max: float | None = None,
) -> Chart:
    """Lay out one or more series over the same x labels (weeks); None values are gaps."""
    values = [v for _name, data in series for v in data if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - min(v, top) / top), 1)

    lines = []
    for n, (name, data) in enumerate(series, 1):
        segments: list[str] = []
        current: list[str] = []
        dots = []
        for i, value in enumerate(data):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x(i)},{y(value)}")
            dots.append((x(i), y(value), fmt(value)))
        if current:
            segments.append(" ".join(current))
        lines.append(Line(name, f"series-{n}", " ".join(segments), segments, dots))
    every = max(1, math.ceil(len(labels) / 8))  # at most ~8 x labels, readable on a phone
    x_ticks = [(x(i), label) for i, label in enumerate(labels) if i % every == 0]
    y_ticks = [(y(top * k / 4), fmt(top * k / 4)) for k in range(5)]
    return Chart(lines, y_ticks, x_ticks)
