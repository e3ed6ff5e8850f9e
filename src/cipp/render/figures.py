"""Figures: a diverging stacked bar chart per rating/Likert table and a 100% bar chart of
the Yes/No items, as PNG (300 dpi) and SVG.

One figure per paper table (``Results.tables()``), so a figure shows exactly the items
and levels of its table. Bars are grouped under CIPP component strips in the tables' order.

Diverging charts are centred on the scale's midpoint: with an even number of levels the
split falls between the two middle levels; with an odd number the middle level is split
half to each side. Levels run from the most negative (left) to the most positive (right),
whatever order the paper's columns use, and the legend follows that left-to-right order.
Colours are ColorBrewer's RdBu (a diverging scheme that stays distinguishable with the
common colour-vision deficiencies); the Yes/No chart uses Okabe-Ito blue and orange,
which carry no good/bad meaning, because some Yes/No items have "No" as the favourable
answer (marked with a dagger).

``cipp compare`` gets one figure of its own (at the end of this module): % positive
before and after, a panel per CIPP component.

Only matplotlib's object API is used (``Figure`` on an Agg canvas), never pyplot, so
drawing neither needs a display nor changes a notebook's backend or global state.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.model.errors import OutputError
from cipp.model.paired import Comparison, PairedItem
from cipp.model.results import LevelTable, Results
from cipp.render.files import check_not_input, write_bytes, write_text
from cipp.render.numbers import COMPONENT_NAMES, count
from cipp.render.tabular import level_table_what

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FigureImage",
    "comparison_images",
    "draw_figures",
    "figure_images",
    "figure_pngs",
    "figure_svgs",
    "inline_svg",
    "wrap_label",
]

#: Item texts are wrapped to this many characters per line on the y axis.
WRAP = 44
#: Paper width in inches: fits a one-column page with 1 in margins at full size.
WIDTH_IN = 7.0
DPI = 300
REVERSED_MARK = "\u2020"  # dagger

# ColorBrewer RdBu, red (negative) to blue (positive). The neutral middle of the odd
# schemes is a light grey instead of ColorBrewer's near-white #f7f7f7, which would vanish
# against a white page.
_NEUTRAL = "#d9d9d9"
_RDBU = {
    2: ("#ef8a62", "#67a9cf"),
    3: ("#ef8a62", _NEUTRAL, "#67a9cf"),
    4: ("#ca0020", "#f4a582", "#92c5de", "#0571b0"),
    5: ("#ca0020", "#f4a582", _NEUTRAL, "#92c5de", "#0571b0"),
    6: ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"),
    7: ("#b2182b", "#ef8a62", "#fddbc7", _NEUTRAL, "#d1e5f0", "#67a9cf", "#2166ac"),
    8: ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"),
    9: (
        "#b2182b", "#d6604d", "#f4a582", "#fddbc7", _NEUTRAL,
        "#d1e5f0", "#92c5de", "#4393c3", "#2166ac",
    ),
    10: (
        "#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7",
        "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061",
    ),
    11: (
        "#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", _NEUTRAL,
        "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061",
    ),
}  # fmt: skip
# Okabe-Ito: blue, orange, then the rest of the palette for unusual many-level "binary" scales.
_OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

_STRIP = "#eeeeee"
_INK = "#222222"

_RC: dict[str, Any] = {
    # Text stays text in the SVG: searchable, selectable, small, and testable.
    "svg.fonttype": "none",
    # Fixed salt: the SVG's element ids, hence the whole file, are the same on every run.
    "svg.hashsalt": "cipp",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
    "font.size": 8.5,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.6,
    "xtick.color": "#444444",
    "ytick.color": _INK,
    "text.color": _INK,
}


@dataclass(frozen=True)
class FigureImage:
    """One rendered figure: a file-name stem, its caption, and the image in one format."""

    stem: str
    caption: str
    note: str
    data: bytes


@dataclass(frozen=True)
class _Row:
    """A row of the chart: a CIPP component strip (``item`` None) or one item's bar."""

    y: float
    label: str
    item: Any = None


def wrap_label(text: str, width: int = WRAP) -> str:
    """Wrap an item's text for the y axis into balanced lines of at most ``width`` characters.

    Balanced, so that a 45-character text gives two lines of ~23 rather than 44 + "me".
    """
    lines = textwrap.wrap(text, width=width, break_long_words=False)
    if len(lines) <= 1:
        return text
    for narrower in range(-(-len(text) // len(lines)), width):
        balanced = textwrap.wrap(text, width=narrower, break_long_words=False)
        if len(balanced) == len(lines):
            return "\n".join(balanced)
    return "\n".join(lines)


def _safe_stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "instrument"


def _palette(n_levels: int) -> tuple[str, ...]:
    if n_levels in _RDBU:
        return _RDBU[n_levels]
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["RdBu"]
    return tuple(to_hex(cmap(0.08 + 0.84 * i / max(n_levels - 1, 1))) for i in range(n_levels))


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the segment (WCAG luminance)."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.05) else "black"


def _levels_left_to_right(results: Results, table: LevelTable) -> tuple[tuple[str, ...], bool]:
    """The table's level labels from most negative to most positive, for its first item.

    Returns the labels and whether the chart is diverging (rating/Likert) or a 100% bar
    (binary, kept in the paper's column order: Yes before No).
    """
    if table.kind == "binary":
        return table.columns, False
    scale = results.instrument.scale(table.items[0].scale)
    return tuple(scale.label_of(code) for code in scale.ordered_codes), True


def _is_reversed(results: Results, table: LevelTable, summary: Any) -> bool:
    """True when this item's scale has the opposite polarity to the table's first item."""
    first = results.instrument.scale(table.items[0].scale)
    own = results.instrument.scale(summary.scale)
    return bool(own.positive != first.positive)


@dataclass(frozen=True)
class _Layout:
    rows: list[_Row]
    top: float  # y limits of the axes, in row units (one bar row = 1)
    bottom: float
    note: str  # footnote for reverse-keyed items, or ""


#: One wrapped line of 8.5 pt text is ~0.4 row units (a row is 0.36 in): rows with three
#: or more lines grow so that neighbouring labels never touch.
_LINE_UNITS = 0.4


def _layout(results: Results, table: LevelTable) -> _Layout:
    """The chart's rows, top to bottom, spaced to their labels' heights."""
    rows: list[_Row] = []
    favourable: list[str] = []
    current = None
    y = 0.0
    previous_half = 0.0
    for summary in table.items:
        if summary.component != current:
            # Strips (half-height 0.3 for spacing) start a component's group of bars.
            if current is not None:
                y += previous_half + 0.55 + 0.3
            current = summary.component
            rows.append(_Row(y, COMPONENT_NAMES.get(current, current.title())))
            previous_half = 0.3
        label = wrap_label(summary.text)
        if summary.n_valid != results.n_respondents:
            label += f" (n = {count(summary.n_valid)})"
        if _is_reversed(results, table, summary):
            label += f" {REVERSED_MARK}"
            scale = results.instrument.scale(summary.scale)
            favourable.append(scale.label_of(scale.top_code))
        half = max(0.5, (label.count("\n") + 1) * _LINE_UNITS / 2 + 0.08)
        y += previous_half + half
        rows.append(_Row(y, label, summary))
        previous_half = half
    note = ""
    if favourable:
        names = " / ".join(dict.fromkeys(f"\u201c{label}\u201d" for label in favourable))
        note = f"{REVERSED_MARK} Reverse-keyed item: {names} is the favourable answer."
    return _Layout(rows, top=-0.6, bottom=y + previous_half + 0.1, note=note)


def _caption(results: Results, table: LevelTable) -> str:
    """Named by the table's scale, as its table's caption is."""
    what = level_table_what(results, table)
    return f"{results.instrument.title}: {what} (n = {count(results.n_respondents)})"


def _note(table: LevelTable) -> str:
    unlabelled = "segments too narrow to hold their number are not labelled"
    if table.kind == "binary":
        return f"Numbers are percentages of valid answers to each item; {unlabelled}."
    return (
        "Numbers are percentages of valid answers to each item. Bars are centred on the "
        "scale's midpoint, unfavourable levels to the left"
        + (", the middle level split half to each side" if len(table.columns) % 2 else "")
        + f"; {unlabelled}."
    )


def _percentages(summary: Any, labels: Sequence[str]) -> list[float]:
    by_label = {level.label: level.percent for level in summary.levels}
    values = [by_label.get(label, 0.0) for label in labels]
    # An item nobody answered has NaN percentages: draw no bar rather than fail.
    return [0.0 if value != value else float(value) for value in values]


def _segments(percentages: Sequence[float], diverging: bool) -> list[tuple[float, float]]:
    """(left, width) of each level's segment, negative levels left of zero when diverging."""
    if not diverging:
        left = 0.0
        out = []
        for width in percentages:
            out.append((left, width))
            left += width
        return out
    k = len(percentages)
    half = k // 2
    negative = sum(percentages[:half])
    if k % 2:
        negative += percentages[half] / 2
    left = -negative
    out = []
    for width in percentages:
        out.append((left, width))
        left += width
    return out


def _nice_limit(extent: float) -> float:
    """Round an axis half-width up to a multiple of 10 (with a little room), max 100."""
    import math

    return float(min(100, max(10, 10 * math.ceil((extent + 2) / 10))))


def _bars(
    ax: Axes, rows: Sequence[_Row], labels: Sequence[str], colours: Sequence[str], diverging: bool
) -> tuple[list[tuple[_Row, list[float], list[tuple[float, float]]]], float]:
    """Draw each item's segments; return them per row and the widest extent from zero."""
    extent = 0.0
    segments_by_row = []
    for row in rows:
        percentages = _percentages(row.item, labels)
        segments = _segments(percentages, diverging)
        segments_by_row.append((row, percentages, segments))
        if segments:
            extent = max(extent, -segments[0][0], segments[-1][0] + segments[-1][1])
        draw_segments(ax, row.y, segments, colours, height=0.72)
    return segments_by_row, extent


def draw_segments(
    ax: Axes,
    y: float,
    segments: Sequence[tuple[float, float]],
    colours: Sequence[str],
    *,
    height: float,
) -> None:
    """One bar's segments (left, width), each in its level's colour, white between."""
    for (left, width), colour in zip(segments, colours, strict=True):
        if width > 0:
            ax.barh(
                y,
                width,
                left=left,
                height=height,
                color=colour,
                edgecolor="white",
                linewidth=0.5,
                zorder=2,
            )


def _axes(ax: Axes, layout: _Layout, diverging: bool, extent: float) -> None:
    """The percentage axis (centred on zero when diverging), the grid and the item labels."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    if diverging:
        limit = _nice_limit(extent)
        ax.set_xlim(-limit, limit)
        ax.xaxis.set_major_locator(MultipleLocator(20 if limit > 60 else 10))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{abs(value):.0f}%"))
        # Below the bars: it shows through the gaps and never cuts a label in two.
        ax.axvline(0, color="#555555", linewidth=0.9, zorder=1.5)
    else:
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(MultipleLocator(20))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    ax.grid(axis="x", color="#e3e3e3", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    ax.set_ylim(layout.bottom, layout.top)
    bar_rows = [row for row in layout.rows if row.item is not None]
    ax.set_yticks([row.y for row in bar_rows], [row.label for row in bar_rows])
    ax.tick_params(axis="y", length=0, pad=4)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Percentage of valid answers", fontsize=8.5)


def _strips(ax: Axes, rows: Sequence[_Row]) -> None:
    """The CIPP component strips between the groups of bars."""
    from matplotlib.transforms import blended_transform_factory

    strip = blended_transform_factory(ax.transAxes, ax.transData)
    for row in rows:
        if row.item is None:
            ax.axhspan(row.y - 0.36, row.y + 0.36, color=_STRIP, zorder=0.5, linewidth=0)
            ax.text(
                0.006,
                row.y,
                row.label,
                transform=strip,
                ha="left",
                va="center",
                fontweight="bold",
                fontsize=8.5,
                zorder=3,
            )


def _legend(fig: Figure, colours: Sequence[str], labels: Sequence[str]) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=c, edgecolor="none", label=lab)
        for c, lab in zip(colours, labels, strict=True)
    ]
    # One row when it fits the page width, else rows read left to right (matplotlib fills
    # legend columns first, so the handles are reordered).
    ncol = len(handles)
    if sum(len(label) for label in labels) + 5 * len(labels) > 110:
        ncol = -(-len(handles) // 2)
        rows_of = [handles[i : i + ncol] for i in range(0, len(handles), ncol)]
        handles = [row[c] for c in range(ncol) for row in rows_of if c < len(row)]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=ncol,
        frameon=False,
        fontsize=8,
        handlelength=1.2,
        handletextpad=0.5,
        columnspacing=1.1,
    )


def _note_under_axis(ax: Axes, note: str) -> None:
    # Anchored under the axis label and owned by the axes, so the layout makes room for it
    # between the axis and the legend.
    ax.annotate(
        note,
        xy=(0.5, 0),
        xycoords=ax.xaxis.label,
        xytext=(0, -4),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=7.5,
        color="#444444",
    )


def _values(
    fig: Figure,
    ax: Axes,
    segments_by_row: Sequence[tuple[_Row, list[float], list[tuple[float, float]]]],
    colours: Sequence[str],
    decimals: int,
) -> None:
    """Label only the segments wide enough to hold their number: measuring rendered text
    is exact where a character-count estimate is not."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for row, percentages, segments in segments_by_row:
        for (left, width), value, colour in zip(segments, percentages, colours, strict=True):
            if width <= 0:
                continue
            text = ax.text(
                left + width / 2,
                row.y,
                f"{value:.{decimals}f}",
                ha="center",
                va="center",
                fontsize=7.5,
                color=_text_colour(colour),
                zorder=4,
            )
            box = text.get_window_extent(renderer)
            x0 = ax.transData.transform((left, row.y))[0]
            x1 = ax.transData.transform((left + width, row.y))[0]
            if box.width + 3 * fig.dpi / 72 > (x1 - x0):
                text.remove()


def _draw(
    results: Results, table: LevelTable, *, decimals: int, title: bool, dpi: int = DPI
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels, diverging = _levels_left_to_right(results, table)
    colours = _palette(len(labels)) if diverging else _OKABE_ITO[: len(labels)]
    layout = _layout(results, table)
    height_units = layout.bottom - layout.top - 0.2
    # ~0.36 in per item row holds three wrapped lines at 8.5 pt; the rest is title,
    # axis and legend.
    fig_height = 0.36 * height_units + (1.45 if title else 1.05) + (0.2 if layout.note else 0.0)
    # Constrained layout sizes the left margin to the wrapped item texts.
    # Laid out at the resolution it is saved at: hinted text is a little wider or narrower
    # at each dpi, and the widest item text must not lose its first letters. The padding
    # leaves room for a browser drawing the SVG's text with a slightly wider font.
    fig = Figure(figsize=(WIDTH_IN, fig_height), dpi=dpi)
    fig.set_layout_engine("constrained", w_pad=0.1, h_pad=0.06)
    FigureCanvasAgg(fig)
    ax: Axes = fig.add_subplot()
    bar_rows = [row for row in layout.rows if row.item is not None]
    segments_by_row, extent = _bars(ax, bar_rows, labels, colours, diverging)
    _axes(ax, layout, diverging, extent)
    _strips(ax, layout.rows)
    _legend(fig, colours, labels)
    if title:
        heading = _caption(results, table)
        fig.suptitle(textwrap.fill(heading, 90), fontsize=10, fontweight="bold")
    if layout.note:
        _note_under_axis(ax, layout.note)
    # Fix the layout, then label the segments.
    fig.canvas.draw()
    fig.set_layout_engine("none")
    _values(fig, ax, segments_by_row, colours, decimals)
    return fig


def _tables(results: Results) -> Iterator[LevelTable]:
    for table in results.tables():
        if table.items:
            yield table


def _stem(results: Results, table: LevelTable) -> str:
    return f"{_safe_stem(results.instrument.id)}-table{table.number}-{table.kind}"


def figure_images(
    results: Results | Comparison,
    fmt: str,
    *,
    decimals: int = 0,
    title: bool = True,
    dpi: int = DPI,
) -> list[FigureImage]:
    """Every figure of ``results`` rendered as ``fmt`` ("png" or "svg"), in table order.

    ``title=False`` leaves the heading out of the image, for documents that print the
    caption beside it (Word, HTML).
    """
    if not isinstance(results, Results):  # a before/after comparison (cipp compare)
        return comparison_images(results, fmt, decimals=decimals, title=title, dpi=dpi)
    return _images(results, (fmt,), decimals=decimals, title=title, dpi=dpi)[fmt]


def _images(
    results: Results, fmts: Sequence[str], *, decimals: int, title: bool, dpi: int = DPI
) -> dict[str, list[FigureImage]]:
    """Each figure drawn once and saved in each of ``fmts`` (drawing is most of the cost)."""
    from matplotlib import rc_context

    images: dict[str, list[FigureImage]] = {fmt: [] for fmt in fmts}
    with rc_context(_RC):  # type: ignore[arg-type]
        for table in _tables(results):
            fig = _draw(results, table, decimals=decimals, title=title, dpi=dpi)
            for fmt in fmts:
                buffer = io.BytesIO()
                # No date and no software version in the files: reruns give identical bytes.
                metadata = {"Date": None} if fmt == "svg" else {"Software": None}
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
                images[fmt].append(
                    FigureImage(
                        _stem(results, table),
                        _caption(results, table),
                        _note(table),
                        buffer.getvalue(),
                    )
                )
    return images


def draw_figures(
    results: Results, folder: Path, *, decimals: int = 0, inputs: Sequence[Path] = ()
) -> list[Path]:
    """Write every figure of ``results`` to ``folder`` as PNG (300 dpi) and SVG.

    File names are ``<instrument>-table<N>-<kind>.png/.svg``, N being the paper table the
    figure shows (e.g. ``mentee-table1-likert.png``, ``mentor-table2-binary.svg``); each
    file is written atomically, and the folder is created if need be. Refuses (OutputError)
    to overwrite any of ``inputs``. Returns the written paths, PNG before SVG per figure.
    """
    folder = Path(folder)
    stems = [_stem(results, table) for table in _tables(results)]
    # Refuse a clash with an input before spending seconds on drawing.
    for stem in stems:
        for suffix in (".png", ".svg"):
            check_not_input(folder / f"{stem}{suffix}", inputs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the figures folder ({error})") from None
    paths: list[Path] = []
    images = _images(results, ("png", "svg"), decimals=decimals, title=True)
    for png, svg in zip(images["png"], images["svg"], strict=True):
        png_path = folder / f"{png.stem}.png"
        svg_path = folder / f"{svg.stem}.svg"
        write_bytes(png_path, png.data, inputs=inputs)
        write_text(svg_path, svg.data.decode("utf-8"), inputs=inputs)
        paths.extend([png_path, svg_path])
    return paths


def figure_pngs(
    results: Results | Comparison, *, decimals: int = 0, title: bool = True, dpi: int = DPI
) -> list[tuple[str, bytes]]:
    """(caption, PNG bytes) per figure, e.g. for embedding in a workbook.

    The caption is the figure's title followed by its note; the image has its title
    drawn in unless ``title=False``.
    """
    images = figure_images(results, "png", decimals=decimals, title=title, dpi=dpi)
    return [(f"{image.caption}. {image.note}", image.data) for image in images]


_SVG_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SVG_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """An SVG document as an element for inlining in HTML.

    Drops the XML declaration and DOCTYPE (not allowed inside HTML) and the RDF metadata
    (whose vocabulary URLs would look like external references), prefixes every id
    so that two figures on one page cannot collide, and names the image for screen
    readers.
    """
    from html import escape

    body = _SVG_METADATA.sub("", _SVG_PROLOGUE.sub("", svg, count=1), count=1)
    ids = set(_SVG_ID.findall(body))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        body = body.replace(f'id="{old}"', f'id="{new}"')
        body = body.replace(f"url(#{old})", f"url(#{new})")
        body = body.replace(f'href="#{old}"', f'href="#{new}"')
    body = body.replace('<style type="text/css">*{', f'<style type="text/css">#{prefix} *{{')
    attributes = f'id="{prefix}" role="img" aria-label="{escape(label, quote=True)}" '
    return body.replace("<svg ", f"<svg {attributes}", 1)


def figure_svgs(
    results: Results, *, decimals: int = 0, title: bool = False
) -> list[tuple[str, str]]:
    """(caption, SVG element) per figure, ready to inline in an HTML page.

    The caption is the figure's title followed by its note. The SVG has no XML
    prologue, ids unique to the figure, ``role="img"`` and an ``aria-label``; by default
    the image carries no title of its own (the page's figure caption says it).
    """
    out = []
    for image in figure_images(results, "svg", decimals=decimals, title=title):
        svg = inline_svg(image.data.decode("utf-8"), image.stem, image.caption)
        out.append((f"{image.caption}. {image.note}", svg))
    return out


# --------------------------------------------------------------------------------------------
# cipp compare: % positive before and after, per CIPP component
# --------------------------------------------------------------------------------------------
# One panel per component: a pair of bars per item (before light blue, after dark blue,
# ColorBrewer's Blues, told apart by lightness without colour vision) and first, in bold,
# the share of respondents mostly positive on the component.

_BEFORE, _AFTER = "#9ecae1", "#08519c"


def comparison_caption(comparison: Comparison) -> str:
    return (
        f"{comparison.instrument.title}: % positive before and after, by CIPP component "
        f"(n = {count(comparison.n_pairs)} pairs)"
    )


COMPARISON_NOTE = (
    "Bars: % of pairs with a positive answer (items) or mostly positive answers "
    "(components, bold) before and after; the change and its 95% CI are in the tables."
)


def _comparison_panel(
    ax: Axes, component: PairedItem, items: list[PairedItem], decimals: int
) -> None:
    records = [component, *items]
    labels = ["Respondents mostly positive", *(r.text for r in items)]
    for y, record in enumerate(records):
        for offset, value, colour in (
            (-0.2, record.positive.before, _BEFORE),
            (0.2, record.positive.after, _AFTER),
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


def _draw_comparison(comparison: Comparison, *, decimals: int, title: bool, dpi: int) -> Figure:
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
        _comparison_panel(axes[k // columns][k % columns], component, items, decimals)
    for k in range(len(panels), grid_rows * columns):
        axes[k // columns][k % columns].set_visible(False)
    fig.legend(
        handles=[Patch(color=_BEFORE, label="Before"), Patch(color=_AFTER, label="After")],
        loc="outside lower center",
        ncols=2,
        frameon=False,
        fontsize=8,
    )
    if title:
        fig.suptitle(
            textwrap.fill(comparison_caption(comparison), 80), fontsize=9.5, fontweight="bold"
        )
    return fig


def comparison_images(
    comparison: Comparison, fmt: str, *, decimals: int = 0, title: bool = True, dpi: int = DPI
) -> list[FigureImage]:
    """The comparison's figure as ``fmt`` ("png" or "svg"); none without components."""
    from matplotlib import rc_context

    if not comparison.components:
        return []
    with rc_context(_RC):  # type: ignore[arg-type]
        fig = _draw_comparison(comparison, decimals=decimals, title=title, dpi=dpi)
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    stem = f"{comparison.instrument.id}-before-after"
    return [FigureImage(stem, comparison_caption(comparison), COMPARISON_NOTE, buffer.getvalue())]
