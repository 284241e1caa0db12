"""Geometry for the score breakdown chart: one inline SVG for one or two artifacts.

Pure: a list of (name, Breakdown) in, plain numbers out; the template only draws.
A component with no data gets a dashed outline and the words "no data", never a
zero-length bar, so that it can't be mistaken for a real 0.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from catalog.ranking import Breakdown, ComponentScore

WIDTH = 400
BAR_MAX = 300  # the width of a value of 1.0
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_HEADER = 20
GROUP_GAP = 12
LEGEND_LINE = 22
NAME_LIMIT = 34


@dataclass(frozen=True)
class ChartBar:
    series: int
    name: str
    value: float | None
    y: float
    width: float
    text: str
    text_x: float
    text_y: float

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class ChartGroup:
    label: str
    weight_percent: int | None  # None when the two kinds weigh it differently
    label_y: float
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class ChartSeries:
    index: int
    name: str
    short_name: str
    rank: int
    legend_y: float
    rank_low: int = 0
    rank_high: int = 100
    provisional: bool = False
    coverage: str = ""

    @property
    def rank_text(self) -> str:
        """For example "62/100 (range 55-70, from 3 of 4 inputs, provisional)"."""
        notes = []
        if self.rank_low != self.rank_high:
            notes.append(f"range {self.rank_low}\u2013{self.rank_high}")
        if self.coverage:
            notes.append(self.coverage)
        if self.provisional:
            notes.append("provisional")
        return f"{self.rank}/100" + (f" ({', '.join(notes)})" if notes else "")

    @property
    def swatch_y(self) -> float:
        return self.legend_y - 11


@dataclass(frozen=True)
class TableRow:
    label: str
    weight_text: str  # one share, or one per artifact when their kinds weigh it differently
    values: tuple[str, ...]


@dataclass(frozen=True)
class ScoreChart:
    width: int
    height: int
    bar_max: int
    bar_height: int
    series: tuple[ChartSeries, ...]
    groups: tuple[ChartGroup, ...]
    title: str
    description: str
    table: tuple[TableRow, ...]


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else f"{name[: NAME_LIMIT - 1]}\u2026"


def _value_text(value: float | None) -> str:
    return "no data" if value is None else f"{value:.2f}"


def _interval_text(component: ComponentScore) -> str:
    text = _value_text(component.value)
    if component.has_interval:
        text += f" (95%: {component.low:.2f}\u2013{component.high:.2f})"
    return text


def _weight_percent(series: Sequence[tuple[str, Breakdown]], index: int) -> int | None:
    shares = {round(100 * bd.components[index].weight_share) for _, bd in series}
    return shares.pop() if len(shares) == 1 else None


def score_chart_build(*, series: Sequence[tuple[str, Breakdown]]) -> ScoreChart:
    if not series:
        raise ValueError("A chart needs at least one breakdown.")
    legend = tuple(
        ChartSeries(
            i,
            name,
            _short(name),
            bd.rank,
            legend_y=i * LEGEND_LINE + 15,
            rank_low=bd.rank_low,
            rank_high=bd.rank_high,
            provisional=bd.provisional,
            coverage=bd.coverage_text,
        )
        for i, (name, bd) in enumerate(series)
    )
    # A component no side's kind weighs (quality of an app, say) is not drawn.
    shown = [
        index
        for index in range(len(series[0][1].components))
        if any(bd.components[index].counts for _, bd in series)
    ]
    y = len(series) * LEGEND_LINE + 10
    groups = []
    first = series[0][1]
    for index in shown:
        component = first.components[index]
        label_y = y + 14
        y += GROUP_HEADER
        bars = []
        for i, (name, breakdown) in enumerate(series):
            value = breakdown.components[index].value
            width = 0.0 if value is None else round(value * BAR_MAX, 1)
            text_x = (width + 6) if value is not None else 8
            bars.append(
                ChartBar(
                    series=i,
                    name=name,
                    value=value,
                    y=y,
                    width=width,
                    text=_value_text(value),
                    text_x=text_x,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(
            ChartGroup(
                label=component.label,
                weight_percent=_weight_percent(series, index),
                label_y=label_y,
                bars=tuple(bars),
            )
        )
        y += GROUP_GAP
    names = " and ".join(name for name, _ in series)
    title = f"Score breakdown of {names}"
    description = "; ".join(
        f"{name}: rank {legend[i].rank_text}, "
        + ", ".join(
            f"{bd.components[k].label.lower()} {_value_text(bd.components[k].value)}" for k in shown
        )
        for i, (name, bd) in enumerate(series)
    )
    table = tuple(
        TableRow(
            label=component.label,
            weight_text=" / ".join(
                dict.fromkeys(
                    f"{round(100 * bd.components[index].weight_share)}%" for _, bd in series
                )
            ),
            values=tuple(_interval_text(bd.components[index]) for _, bd in series),
        )
        for index in shown
        for component in (first.components[index],)
    )
    return ScoreChart(
        width=WIDTH,
        height=int(y),
        bar_max=BAR_MAX,
        bar_height=BAR_HEIGHT,
        series=legend,
        groups=tuple(groups),
        title=title,
        description=f"Each component is a value from 0 to 1. {description}.",
        table=table,
    )
