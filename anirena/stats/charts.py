"""Geometry of the statistics page's bar charts, drawn as inline SVG by the templates. No Django here.

Coordinates are in SVG user units inside a fixed view box; the page scales the
SVG to its width.
"""

import math
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 40
MAX_X_LABELS = 8
BAR_GAP = 0.2  # fraction of each slot left empty between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_labels: list[Tick]
    plot_left: float
    plot_right: float
    plot_bottom: float
    max_value: int


def nice_step(max_value: int, max_ticks: int = 5) -> int:
    """Return a round tick step (1, 2 or 5 times a power of ten) giving at most `max_ticks` steps up to `max_value`."""
    if max_value <= 0:
        return 1
    rough = max_value / max_ticks
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= rough:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


def column_chart(points: list[tuple[str, int]], *, width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Lay out one vertical bar per (label, value) point, left to right, with a zero-based y axis."""
    plot_left, plot_right = MARGIN_LEFT, width - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    max_value = max((value for _label, value in points), default=0)
    step = nice_step(max_value)
    axis_max = max(step, math.ceil(max_value / step) * step)
    scale = (plot_bottom - plot_top) / axis_max

    slot = (plot_right - plot_left) / max(1, len(points))
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = value * scale
        bars.append(Bar(x=plot_left + index * slot + slot * BAR_GAP / 2, y=plot_bottom - bar_height,
                        width=slot * (1 - BAR_GAP), height=bar_height, label=label, value=value))

    y_ticks = [Tick(position=plot_bottom - tick * scale, label=_short_number(tick))
               for tick in range(0, axis_max + 1, step)]
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    x_labels = [Tick(position=bar.x + bar.width / 2, label=bar.label)
                for index, bar in enumerate(bars) if index % every == 0]
    return Chart(width=width, height=height, bars=bars, y_ticks=y_ticks, x_labels=x_labels, plot_left=plot_left,
                 plot_right=plot_right, plot_bottom=plot_bottom, max_value=max_value)


@dataclass(frozen=True)
class Row:
    y: float
    bar_width: float
    label: str
    value: int
    share: float


ROW_HEIGHT = 26
LABEL_WIDTH = 170
VALUE_WIDTH = 90


def bar_rows(items: list[tuple[str, int]], *, width: int = WIDTH) -> tuple[list[Row], int]:
    """Lay out one horizontal bar per (label, value), longest bar for the largest value; return rows and SVG height."""
    total = sum(value for _label, value in items)
    largest = max((value for _label, value in items), default=0)
    room = width - LABEL_WIDTH - VALUE_WIDTH
    rows = [
        Row(y=index * ROW_HEIGHT, bar_width=room * value / largest if largest else 0, label=label, value=value,
            share=value / total if total else 0.0)
        for index, (label, value) in enumerate(items)
    ]
    return rows, max(ROW_HEIGHT, len(rows) * ROW_HEIGHT)


def _short_number(value: int) -> str:
    """Format an axis number compactly: 950, 1.5k, 12k, 3M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            scaled = value / size
            return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
    return str(value)
