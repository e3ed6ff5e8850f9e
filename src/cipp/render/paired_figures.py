"""The figure of ``cipp compare``: % positive before and after, per CIPP component.

One panel per component, side by side: a pair of bars per item (before in light blue,
after in dark blue, ColorBrewer's Blues, distinguishable without colour vision by
lightness) and the component's share of mostly positive respondents as the first pair,
in bold. Drawn with matplotlib's object API only, with the style of cipp.render.figures,
and saved without dates so that reruns give identical bytes.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from cipp.model.paired import Comparison, PairedItem
from cipp.render.figures import _RC, DPI, WIDTH_IN, FigureImage, wrap_label
from cipp.render.numbers import COMPONENT_NAMES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BEFORE, AFTER = "#9ecae1", "#08519c"


def caption(comparison: Comparison) -> str:
    return (
        f"{comparison.instrument.title}: % positive before and after, by CIPP component "
        f"(n = {comparison.n_pairs} pairs)"
    )


NOTE = (
    "Bars: % of pairs with a positive answer (items) or mostly positive answers "
    "(components, bold) before and after; the change and its 95% CI are in the tables."
)


def _panel(ax: Axes, component: PairedItem, items: list[PairedItem], decimals: int) -> None:
    records = [component, *items]
    labels = ["Respondents mostly positive", *(r.text for r in items)]
    for y, record in enumerate(records):
        for offset, value, colour in (
            (-0.2, record.positive.before, BEFORE),
            (0.2, record.positive.after, AFTER),
        ):
            if value != value:  # NaN: nobody to show
                continue
            ax.barh(y + offset, value, height=0.38, color=colour, zorder=2)
            ax.text(
                min(value, 100) + 1.0, y + offset, f"{value:.{decimals}f}", va="center",
                fontsize=6.5,
            )  # fmt: skip
    ax.set_yticks(range(len(records)), [wrap_label(t, 28) for t in labels])
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(records) - 0.5, -0.6)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.tick_params(axis="both", labelsize=7, length=0)
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(COMPONENT_NAMES[component.component], fontsize=9, fontweight="bold")


def _draw(comparison: Comparison, *, decimals: int, title: bool, dpi: int) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    panels = list(comparison.components)
    rows = max(1 + sum(1 for i in comparison.items if i.component == c.component) for c in panels)
    columns = min(len(panels), 2)
    grid_rows = (len(panels) + columns - 1) // columns
    height = grid_rows * (0.42 * rows + 0.7) + (0.9 if title else 0.6)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=dpi)
    fig.set_layout_engine("constrained", w_pad=0.08, h_pad=0.06)
    FigureCanvasAgg(fig)
    axes = fig.subplots(grid_rows, columns, squeeze=False)
    for k, component in enumerate(panels):
        items = [i for i in comparison.items if i.component == component.component]
        _panel(axes[k // columns][k % columns], component, items, decimals)
    for k in range(len(panels), grid_rows * columns):
        axes[k // columns][k % columns].set_visible(False)
    fig.legend(
        handles=[Patch(color=BEFORE, label="Before"), Patch(color=AFTER, label="After")],
        loc="outside lower center",
        ncols=2,
        frameon=False,
        fontsize=8,
    )
    if title:
        fig.suptitle(textwrap.fill(caption(comparison), 80), fontsize=9.5, fontweight="bold")
    return fig


def comparison_images(
    comparison: Comparison, fmt: str, *, decimals: int = 0, title: bool = True, dpi: int = DPI
) -> list[FigureImage]:
    """The comparison's figure as ``fmt`` ("png" or "svg"); none without components."""
    from matplotlib import rc_context

    if not comparison.components:
        return []
    with rc_context(_RC):  # type: ignore[arg-type]
        fig = _draw(comparison, decimals=decimals, title=title, dpi=dpi)
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    stem = f"{comparison.instrument.id}-before-after"
    return [FigureImage(stem, caption(comparison), NOTE, buffer.getvalue())]
