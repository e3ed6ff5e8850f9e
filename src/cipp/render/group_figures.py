"""Figures by group and by year: per CIPP component, one chart with a bar per item and
group (``cipp analyze --figures DIR --by G``) or per item and wave (``cipp batch
--figures DIR``), as PNG (300 dpi) and SVG.

The bars follow cipp.render.figures' rules: rating and Likert items diverge from the
scale's midpoint in ColorBrewer's RdBu, Yes/No items are 100% bars in Okabe-Ito blue and
orange, segments carry their rounded percentage when it fits, and reverse-keyed items
are marked with a dagger. Each item's text heads its bars; the groups (or waves) follow
in their order, labelled on the left. Right of each bar: its N (the valid answers, the
base of its percentages) and, when some, the answers given as a declared missing value
("+3 N/A"), which are in no percentage. A component whose items use scales with
different levels (the mentor survey's Product: one rating, four Yes/No items) gets one
panel per set of levels, rating/Likert first, each with its own legend.

Nothing is computed here: the counts are cipp.flow.distributions' records, drawn in
their order (the instrument's, or by % positive).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.distributions import Bar, Distributions, ItemDistribution
from cipp.model.errors import OutputError
from cipp.model.instrument import COMPONENTS, Scale
from cipp.render.figures import (
    _OKABE_ITO,
    _RC,
    _STRIP,
    DPI,
    REVERSED_MARK,
    WIDTH_IN,
    FigureImage,
    _nice_limit,
    _palette,
    _Row,
    _safe_stem,
    _segments,
    _values,
    draw_segments,
    wrap_label,
)
from cipp.render.files import check_not_input, write_bytes, write_text
from cipp.render.numbers import COMPONENT_NAMES, count

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["draw_group_figures", "group_figure_images", "group_figure_stems"]

#: Progress of a run of drawings: (figures done, figures in all, the last one's stem).
DrawingProgress = Callable[[int, int, str], None]

#: Item texts head their bars across the plot, wrapped to this many characters a line.
HEADING_WRAP = 90
#: Group (and wave) names on the y axis, wrapped to this many characters a line.
GROUP_WRAP = 24
#: Inches per row unit: a bar row is one unit, an item's heading one unit per line.
ROW_IN = 0.27
_GREY = "#666666"


@dataclass(frozen=True)
class _Panel:
    """The items of one component that share a set of levels, drawn on one axis."""

    labels: tuple[str, ...]  # level labels, left to right
    diverging: bool
    items: tuple[ItemDistribution, ...]
    reversed: frozenset[str]  # ids of items keyed the other way round


@dataclass(frozen=True)
class _Layout:
    headings: list[_Row]  # one per item: its text across the plot
    bars: list[_Row]  # one per item and group: ``item`` is (ItemDistribution, Bar)
    bottom: float


def _reference_scales(distributions: Distributions) -> dict[tuple[str, ...], Scale]:
    """Per set of levels, the scale of the instrument's first item with those levels: its
    polarity sets the bars' direction and marks the items keyed the other way round, as
    in the paper-table figures (so an item is marked alike in every figure)."""
    instrument = distributions.instrument
    order = {item.id: position for position, item in enumerate(instrument.items)}
    reference: dict[tuple[str, ...], Scale] = {}
    for item in sorted(distributions.items, key=lambda i: order.get(i.id, len(order))):
        reference.setdefault(item.levels, instrument.scale(item.scale))
    return reference


def _panels(distributions: Distributions, items: Sequence[ItemDistribution]) -> list[_Panel]:
    """The component's items by their levels (as the paper's tables group them),
    rating/Likert panels before the Yes/No panel, items kept in their order."""
    instrument = distributions.instrument
    reference = _reference_scales(distributions)
    groups: dict[tuple[str, ...], list[ItemDistribution]] = {}
    for item in items:
        groups.setdefault(item.levels, []).append(item)
    panels = []
    for levels, members in sorted(groups.items(), key=lambda pair: pair[1][0].kind == "binary"):
        first = reference[levels]
        diverging = members[0].kind != "binary"
        labels = tuple(first.label_of(c) for c in first.ordered_codes) if diverging else levels
        reversed_ids = frozenset(
            m.id for m in members if instrument.scale(m.scale).positive != first.positive
        )
        panels.append(_Panel(labels, diverging, tuple(members), reversed_ids))
    return panels


def _layout(panel: _Panel) -> _Layout:
    headings: list[_Row] = []
    bars: list[_Row] = []
    y = 0.0
    for item in panel.items:
        text = textwrap.fill(item.text, HEADING_WRAP)
        if item.id in panel.reversed:
            text += f" {REVERSED_MARK}"
        lines = text.count("\n") + 1
        y += 0.35 * lines + 0.35
        headings.append(_Row(y, text))
        y += 0.35 * lines + 0.15
        for bar in item.bars:
            y += 0.5
            bars.append(_Row(y, wrap_label(bar.group, GROUP_WRAP), (item, bar)))
            y += 0.5
    return _Layout(headings, bars, bottom=y + 0.3)


def _bar_segments(
    panel: _Panel, item: ItemDistribution, bar: Bar
) -> tuple[list[float], list[tuple[float, float]]]:
    by_label = dict(zip(item.levels, bar.percents, strict=True))
    percentages = [by_label.get(label, 0.0) for label in panel.labels]
    # A group without answers has NaN percentages: no bar, its N = 0 says why.
    percentages = [0.0 if value != value else value for value in percentages]
    return percentages, _segments(percentages, panel.diverging)


def _draw_bars(
    ax: Axes, panel: _Panel, layout: _Layout, colours: Sequence[str]
) -> tuple[list[tuple[_Row, list[float], list[tuple[float, float]]]], float]:
    extent = 0.0
    drawn = []
    for row in layout.bars:
        item, bar = row.item
        percentages, segments = _bar_segments(panel, item, bar)
        drawn.append((row, percentages, segments))
        if bar.n:
            extent = max(extent, -segments[0][0], segments[-1][0] + segments[-1][1])
        draw_segments(ax, row.y, segments, colours, height=0.78)
    return drawn, extent


def _n_labels(ax: Axes, layout: _Layout) -> None:
    """N right of each bar, and the declared missing answers beside it in grey."""
    from matplotlib.transforms import blended_transform_factory

    right = blended_transform_factory(ax.transAxes, ax.transData)
    for row in layout.bars:
        _, bar = row.item
        if not bar.asked:
            # On a white patch: the centre line does not strike it through.
            ax.text(0.5, row.y, "not asked", transform=right, ha="center", va="center",
                    fontsize=7.5, color=_GREY, style="italic", zorder=3,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})  # fmt: skip
            continue
        n_text = ax.annotate(
            f"N = {count(bar.n)}",
            xy=(1, row.y),
            xycoords=right,
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=7.5,
        )
        if bar.declared_missing:
            ax.annotate(
                f"+{bar.declared_missing} N/A",
                xy=(1, 0.5),
                xycoords=n_text,
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=7.5,
                color=_GREY,
            )


def _headings(ax: Axes, layout: _Layout) -> None:
    from matplotlib.transforms import blended_transform_factory

    across = blended_transform_factory(ax.transAxes, ax.transData)
    for row in layout.headings:
        half = 0.35 * (row.label.count("\n") + 1)
        # Above the grid and the centre line: an item's text reads on a clean band.
        ax.axhspan(row.y - half, row.y + half, color=_STRIP, zorder=1.8, linewidth=0)
        ax.text(0.006, row.y, row.label, transform=across, ha="left", va="center",
                fontsize=8, zorder=3)  # fmt: skip


def _axes(ax: Axes, panel: _Panel, layout: _Layout, extent: float) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    if panel.diverging:
        limit = _nice_limit(extent)
        ax.set_xlim(-limit, limit)
        ax.xaxis.set_major_locator(MultipleLocator(20 if limit > 60 else 10))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{abs(value):.0f}%"))
        ax.axvline(0, color="#555555", linewidth=0.9, zorder=1.5)
    else:
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(MultipleLocator(20))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    ax.set_ylim(layout.bottom, 0)
    ax.set_yticks([row.y for row in layout.bars], [row.label for row in layout.bars])
    ax.tick_params(axis="y", length=0, pad=4, labelsize=8)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Percentage of valid answers (N)", fontsize=8.5)


def _legend(ax: Axes, colours: Sequence[str], labels: Sequence[str]) -> None:
    """The levels left to right, above the panel they colour (a component may have two
    panels, each with its own levels)."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=c, edgecolor="none", label=lab)
        for c, lab in zip(colours, labels, strict=True)
    ]
    ncol = len(handles)
    if sum(len(label) for label in labels) + 5 * len(labels) > 110:
        # Two rows read left to right (matplotlib fills legend columns first).
        ncol = -(-len(handles) // 2)
        rows_of = [handles[i : i + ncol] for i in range(0, len(handles), ncol)]
        handles = [row[c] for c in range(ncol) for row in rows_of if c < len(row)]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol,
              frameon=False, fontsize=8, handlelength=1.2, handletextpad=0.5,
              columnspacing=1.1, borderaxespad=0.2)  # fmt: skip


def _note(distributions: Distributions, panels: Sequence[_Panel]) -> str:
    unit = "wave" if distributions.waves else "group"
    lines = [
        f"N: the {unit}'s valid answers to the item, the base of the bar's percentages; "
        "+k N/A: answers given as a declared missing value, not in N."
    ]
    favourable = []
    for panel in panels:
        for item in panel.items:
            if item.id in panel.reversed:
                scale = distributions.instrument.scale(item.scale)
                favourable.append(f"\u201c{scale.label_of(scale.top_code)}\u201d")
    if favourable:
        names = " / ".join(dict.fromkeys(favourable))
        lines.append(f"{REVERSED_MARK} Reverse-keyed item: {names} is the favourable answer.")
    if distributions.ungrouped:
        k = distributions.ungrouped
        who = "1 respondent" if k == 1 else f"{k} respondents"
        verb = "is" if k == 1 else "are"
        lines.append(f"{who} with no {distributions.by_label} {verb} in no bar.")
    return "\n".join(wrap_label(line, 110) for line in lines)


def _title(distributions: Distributions, component: str) -> str:
    by = "wave" if distributions.waves else distributions.by_label
    name = COMPONENT_NAMES.get(component, component.title())
    n = count(distributions.n_respondents)
    return f"{distributions.instrument.title}: {name} by {by} (n = {n})"


def _panel_height(layout: _Layout) -> float:
    """Inches: the rows, plus the axis, its label and the legend below them."""
    return ROW_IN * layout.bottom + 0.85


def _draw_panel(
    ax: Axes, panel: _Panel, layout: _Layout, note: str
) -> tuple[Axes, list[tuple[_Row, list[float], list[tuple[float, float]]]], Sequence[str]]:
    colours = _palette(len(panel.labels)) if panel.diverging else _OKABE_ITO[: len(panel.labels)]
    drawn, extent = _draw_bars(ax, panel, layout, colours)
    _axes(ax, panel, layout, extent)
    _headings(ax, layout)
    _n_labels(ax, layout)
    _legend(ax, colours, panel.labels)
    if note:
        ax.annotate(note, xy=(0.5, 0), xycoords=ax.xaxis.label, xytext=(0, -4),
                    textcoords="offset points", ha="center", va="top", fontsize=7.5,
                    color="#444444")  # fmt: skip
    return ax, drawn, colours


def _draw(distributions: Distributions, component: str, *, decimals: int, dpi: int) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    items = [item for item in distributions.items if item.component == component]
    panels = _panels(distributions, items)
    layouts = [_layout(panel) for panel in panels]
    note = _note(distributions, panels)
    heights = [_panel_height(layout) for layout in layouts]
    extra = 0.45 + 0.14 * (note.count("\n") + 1)
    fig = Figure(figsize=(WIDTH_IN, sum(heights) + extra), dpi=dpi)
    fig.set_layout_engine("constrained", w_pad=0.1, h_pad=0.06)
    FigureCanvasAgg(fig)
    # One column of axes: the layout gives the panels the same left and right edges.
    grid = fig.add_gridspec(len(panels), 1, height_ratios=heights)
    drawn_panels = []
    for index, (panel, layout) in enumerate(zip(panels, layouts, strict=True)):
        last = index == len(panels) - 1
        ax: Axes = fig.add_subplot(grid[index])
        drawn_panels.append(_draw_panel(ax, panel, layout, note if last else ""))
    title = textwrap.fill(_title(distributions, component), 72)
    fig.suptitle(title, fontsize=10, fontweight="bold")
    # Fix the layout, then label the segments that are wide enough for their number.
    fig.canvas.draw()
    fig.set_layout_engine("none")
    for ax, drawn, colours in drawn_panels:
        _values(fig, ax, drawn, colours, decimals)
    return fig


def _components(distributions: Distributions) -> list[str]:
    present = {item.component for item in distributions.items}
    return [component for component in COMPONENTS if component in present]


def _stem(distributions: Distributions, component: str) -> str:
    by = "wave" if distributions.waves else _safe_stem(distributions.by)
    return f"{_safe_stem(distributions.instrument.id)}-{component}-by-{by}"


def group_figure_stems(distributions: Distributions) -> list[str]:
    """The file-name stems of the figures, one per CIPP component with items, in order:
    ``<instrument>-<component>-by-<grouping>`` (``-by-wave`` for a batch)."""
    return [_stem(distributions, component) for component in _components(distributions)]


def group_figure_images(
    distributions: Distributions,
    *,
    decimals: int = 0,
    dpi: int = DPI,
    progress: DrawingProgress | None = None,
) -> list[tuple[FigureImage, FigureImage]]:
    """(PNG, SVG) of each component's figure, in CIPP order. Each figure is laid out once
    at ``dpi`` and saved in both formats, with no date or software version in the files,
    so reruns give identical bytes."""
    from matplotlib import rc_context

    components = _components(distributions)
    images = []
    with rc_context(_RC):  # type: ignore[arg-type]
        for done, component in enumerate(components, start=1):
            fig = _draw(distributions, component, decimals=decimals, dpi=dpi)
            stem = _stem(distributions, component)
            caption = _title(distributions, component)
            pair = []
            for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
                pair.append(FigureImage(stem, caption, "", buffer.getvalue()))
            images.append((pair[0], pair[1]))
            if progress is not None:
                progress(done, len(components), stem)
    return images


def draw_group_figures(
    distributions: Distributions,
    folder: Path,
    *,
    decimals: int = 0,
    inputs: Sequence[Path] = (),
    progress: DrawingProgress | None = None,
) -> list[Path]:
    """Write each component's figure of ``distributions`` to ``folder`` as PNG (300 dpi)
    and SVG: ``<instrument>-<component>-by-<grouping>.png/.svg`` (e.g.
    ``mentee-process-by-year_of_study.png``, ``mentee-process-by-wave.svg``).

    Refuses (OutputError) to overwrite any of ``inputs``, before drawing; creates the
    folder if need be; writes each file atomically. Returns the paths, PNG before SVG.
    """
    folder = Path(folder)
    for stem in group_figure_stems(distributions):
        for suffix in (".png", ".svg"):
            check_not_input(folder / f"{stem}{suffix}", inputs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the figures folder ({error})") from None
    paths: list[Path] = []
    for png, svg in group_figure_images(distributions, decimals=decimals, progress=progress):
        png_path, svg_path = folder / f"{png.stem}.png", folder / f"{svg.stem}.svg"
        write_bytes(png_path, png.data, inputs=inputs)
        write_text(svg_path, svg.data.decode("utf-8"), inputs=inputs)
        paths.extend([png_path, svg_path])
    return paths
