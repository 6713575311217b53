"""Charts of the statistics as PNG images: horizontal bars, one panel per choice question.

matplotlib draws them off-screen (Agg); matplotlib-fontja brings the IPAex Gothic font, so the
Japanese labels render on any server without an OS font (a fallback font would draw boxes).
Bars are horizontal so long Japanese labels stay legible on a phone; each bar says its count and
its share, since small numbers must be read as they are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import matplotlib_fontja  # noqa: E402, F401 - registers IPAex Gothic as the default font
from matplotlib.figure import Figure  # noqa: E402

from bot import texts  # noqa: E402
from flows.statistics import ChoiceTable  # noqa: E402

LABEL_MAX = 20  # characters of an option label before it is cut with …
BAR_INCHES = 0.34
WIDTH_INCHES = 6.0  # scaled down to a chat pane it must still be read: few inches, large type
DPI = 150


def chart_font() -> str:
    """The font file the charts use (tests check it is the bundled Japanese one)."""
    from matplotlib import font_manager

    return str(font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"])))


def choice_chart(title: str, tables: Sequence[ChoiceTable]) -> bytes:
    """One PNG: a panel of horizontal bars per question, counts and shares beside the bars."""
    heights = [max(len(table.options), 1) * BAR_INCHES + 0.7 for table in tables]
    figure = Figure(figsize=(WIDTH_INCHES, sum(heights) + 0.5), dpi=DPI, layout="constrained")
    figure.suptitle(_cut(title, 34), fontsize=14, x=0.01, ha="left")
    grid = figure.add_gridspec(len(tables), 1, height_ratios=heights)
    for row, table in enumerate(tables):
        axes = figure.add_subplot(grid[row])
        labels = [_cut(option.label) for option in table.options]
        counts = [option.count for option in table.options]
        positions = list(range(len(labels)))[::-1]  # the first option on top
        axes.barh(positions, counts, color="#4a7bb7")
        axes.set_yticks(positions, labels, fontsize=11)
        heading = _cut(table.title, 26) + texts.chart_base(table.respondents, table.multi)
        axes.set_title(heading, fontsize=12, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlim(0, max([*counts, 1]) * 1.45)
        axes.xaxis.set_visible(False)
        for position, count in zip(positions, counts, strict=True):
            share = " " + texts.count_and_share(count, table.respondents)
            axes.text(count, position, share, va="center", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _cut(label: str, limit: int = LABEL_MAX) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
