"""One self-contained HTML report: executive summary, a section per CIPP component, the
full tables, the figures (inline SVG), the tests, the respondents and the notes.

Self-contained means one file that opens anywhere and prints cleanly: styles in a
<style> block, figures inlined as SVG, no scripts, no fonts, images or stylesheets from
elsewhere, and no links other than in-page anchors. The markup is also well-formed XML
(void elements closed, every text escaped), so strict XML tools can read it as well as
browsers. Accessibility: ``lang``, table captions, ``scope`` on every header cell,
figure captions, and SVGs named for screen readers.

Nothing scrolls sideways, on a 1,024 px screen or on A4: number cells never wrap, text
cells do, and a table too wide for the room it gets is shown as stacked rows instead
(the choice is made by CSS container queries, see :func:`html_table`).
"""

from __future__ import annotations

import math
import re
from html import escape
from unicodedata import east_asian_width

from cipp import __version__
from cipp.render.document import (
    PAGE,
    STRONG,
    Block,
    Bullets,
    Document,
    Figures,
    Paragraph,
    Section,
    Summary,
    Table,
)
from cipp.render.numbers import count

__all__ = ["fit_rules", "html_table", "is_number", "min_width", "write_html"]

_CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #1a1a1a;
  --line: #d0d0d0; --band: #f3f3f3; --accent: #0b5394; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem;
  overflow-wrap: break-word; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 0.5rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
p { margin: 0.5rem 0; }
a { color: var(--accent); }
.meta { color: var(--muted); }
nav ol { columns: 2; padding-left: 1.25rem; margin: 0.5rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
  gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; }
.card h3 { margin-top: 0; }
.card ul { margin: 0; padding-left: 1.1rem; }
.card li { margin: 0.25rem 0; }
.table-block { margin: 1.5rem 0; font-size: 0.9rem; container-type: inline-size;
  overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 1em;
  font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.4rem; }
thead th { border-top: 2px solid var(--rule); border-bottom: 1px solid var(--rule);
  font-weight: 600; vertical-align: bottom; }
th, td { padding: 0.3em 0.5em; text-align: center; overflow-wrap: anywhere; }
thead th { overflow-wrap: normal; }
thead th:first-child, tbody th { text-align: left; font-weight: normal; }
tbody th[scope="rowgroup"] { font-weight: 600; font-style: italic; background: var(--band); }
table > tbody:last-of-type > tr:last-child > * { border-bottom: 2px solid var(--rule); }
.num { white-space: nowrap; overflow-wrap: normal; }
/* Number columns as narrow as their numbers: the room left goes to the text. */
td.num { width: 1%; }
table.narrow { width: auto; min-width: min(24rem, 100%); }
.stack { display: none; }
.stacked > table { display: none; }
.stacked > .stack { display: block; }
.stack-caption { font-weight: 600; margin: 0 0 0.4rem; }
.stack-group { font-weight: 600; font-style: italic; background: var(--band);
  margin: 0; padding: 0.3em 0.5em; border-top: 2px solid var(--rule); }
.stack-row { border-top: 1px solid var(--rule); padding: 0.4em 0 0.5em; break-inside: avoid; }
.stack > .stack-row:last-child { border-bottom: 2px solid var(--rule); }
.stack-head { margin: 0 0 0.25em; font-weight: 600; overflow-wrap: anywhere; }
.stack dl { display: flex; flex-wrap: wrap; margin: 0; gap: 0 1.75em;
  font-variant-numeric: tabular-nums; }
.stack dl > div { flex: 0 1 auto; min-width: 0; display: flex; gap: 0.75em;
  justify-content: space-between; align-items: baseline;
  border-bottom: 1px dotted var(--line); }
.stack dl > div.long { flex-basis: 100%; display: block; border-bottom: 0; }
.stack dt { color: var(--muted); overflow-wrap: anywhere; }
.stack dd { margin: 0; text-align: right; overflow-wrap: anywhere; }
.stack div.long dt, .stack div.long dd { display: inline; text-align: left; }
.stack div.long dt { margin-right: 0.4em; }
.stack div.long dt::after { content: ":"; }
.note { font-size: 0.85rem; color: var(--muted); margin-top: 0.4rem; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; max-width: 56rem; height: auto; margin: 0 auto; }
figcaption { font-size: 0.9rem; margin-top: 0.5rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; }
@page { size: A4; margin: 2cm; }
@media print {
  body { font-size: 10.5pt; }
  .table-block { font-size: 8.5pt; }
  th, td { padding: 0.2em 0.3em; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2, h3, .stack-caption, .stack-group { break-after: avoid; }
  .table-block { overflow: visible; }
  .card, figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


#: How wide a table must be, estimated from its text, decides (without scripts) whether it
#: is shown as a table or stacked: a container query per table hides the table and shows
#: the stacked rows when its block is narrower than the estimate. Widths are in em of the
#: table's font; the estimate errs wide, as the table must never be cut or scroll. Paper
#: has its own estimate: cells padded less, text columns allowed narrower.
_CHAR = 0.64  # a character of a cell: DejaVu Sans digits, among the widest, are 0.636 em
_NARROW = (0.4, " .,:;()[]'!|ijlft")  # and the narrow ones
_WIDE = (0.92, "mwMW%±—")  # and the wide ones
_BOLD = 1.1  # bold (a header) is this much wider
_PAD = 1.0  # a cell's padding, left and right (0.6 in print)
_TEXT = 18  # the characters a line of a wrapped text column keeps at least (12 in print)
_PROSE = 28  # and of a column of long texts (over _LONG characters), to read as prose
_PAGE = 72  # the widest a table gets: main's 65.5rem in the table's 0.9rem
_LONG = 40  # a text longer than this gets a line of its own in the stacked layout
#: A number cell (never wrapped): a digit, no word of three letters or more ("82.4
#: (76.2–87.3)", "p = .75", "0.71 (n = 182)", "< .001 *"), and short.
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def is_number(cell: str) -> bool:
    """Whether a cell reads as a number (kept on one line), not as text (wrapped)."""
    return len(cell) <= 24 and any(c.isdigit() for c in cell) and _LETTERS.search(cell) is None


def min_width(table: Table, *, printed: bool = False) -> int:
    """The narrowest the table can be laid out without cutting a number, in em: number
    cells whole, header words whole, text columns at least ``_TEXT`` characters wide
    (``_PROSE`` if they hold long texts, but for the row headers)."""
    pad, text = (0.6, 12) if printed else (_PAD, _TEXT)
    total = 0.0
    for column, head in enumerate(table.header):
        cells = [row[column] for row in table.rows if len(row) > 1 and len(row) > column]
        words = max((ems(word) for word in head.split()), default=0) * _BOLD
        line = _PROSE if column and any(len(c) > _LONG for c in cells) else text
        widths = [ems(c) if is_number(c) else min(len(c), line) * _CHAR for c in cells]
        total += max([words, *widths]) + pad
    return math.ceil(total)


def ems(text: str) -> float:
    """How wide ``text`` is at most in common sans-serif fonts, in em."""
    return sum(map(_em, text))


def _em(character: str) -> float:
    if character in _NARROW[1]:
        return _NARROW[0]
    if character in _WIDE[1]:
        return _WIDE[0]
    return 1.0 if east_asian_width(character) in "WF" else _CHAR  # CJK: a whole em


def fit_class(table: Table) -> str:
    """The classes that choose the table's layout: ``fit-N print-M`` (a table from N em
    wide on screen, M on paper, stacked below), or ``stacked`` when no page is wide
    enough for it."""
    width = min_width(table)
    if width > _PAGE:
        return "stacked"
    return f"fit-{width} print-{min_width(table, printed=True)}"


def fit_rules(tables: list[Table]) -> str:
    """The container queries of the ``fit-N`` and ``print-M`` classes the tables use."""
    rules = []
    for media, prefix, printed in (("screen", "fit", False), ("print", "print", True)):
        widths = sorted({min_width(t, printed=printed) for t in tables if min_width(t) <= _PAGE})
        rules.append(f"@media {media} {{\n")
        rules.extend(
            f"@container (max-width: {w}em) {{ .{prefix}-{w} > table {{ display: none; }} "
            f".{prefix}-{w} > .stack {{ display: block; }} }}\n"
            for w in widths
        )
        rules.append("}\n")
    return "".join(rules)


def html_table(table: Table, *, table_id: str = "") -> str:
    """One table as an accessible HTML table, the same rows stacked (one block per row:
    its first cell as a heading, then each column's label and value), and its notes.

    Which of the two shows is left to CSS (:func:`fit_class`, :func:`fit_rules`), so the
    page chooses by the room it has, on screen and on paper. Each one-cell heading row
    (a CIPP component) opens a <tbody> headed by a ``scope="rowgroup"`` cell; the first
    cell of every other row is its row header. Number cells never wrap; text cells do.
    """
    width = len(table.header)
    block_id = f" id={_attr(table_id)}" if table_id else ""
    parts = [f'<div class="table-block {fit_class(table)}"{block_id}>']
    parts.append('<table class="narrow">' if width <= 3 else "<table>")
    parts.append(f"<caption>{_e(table.caption)}</caption>")
    heads = "".join(f'<th scope="col">{_e(head)}</th>' for head in table.header)
    parts.append(f"<thead><tr>{heads}</tr></thead>")
    open_body = False
    for row in table.rows:
        if len(row) == 1:
            if open_body:
                parts.append("</tbody>")
            parts.append(
                f'<tbody><tr><th scope="rowgroup" colspan="{width}">{_e(row[0])}</th></tr>'
            )
            open_body = True
            continue
        if not open_body:
            parts.append("<tbody>")
            open_body = True
        cells = [f'<th scope="row">{_e(row[0])}</th>']
        cells.extend(_cell(cell) for cell in row[1:])
        parts.append(f"<tr>{''.join(cells)}</tr>")
    if not open_body:
        parts.append("<tbody>")
    parts.append("</tbody></table>")
    parts.extend(_stack(table))
    if table.notes:
        parts.append(f'<p class="note"><em>Note.</em> {_e(" ".join(table.notes))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def _cell(cell: str) -> str:
    return f'<td class="num">{_e(cell)}</td>' if is_number(cell) else f"<td>{_e(cell)}</td>"


def _stack(table: Table) -> list[str]:
    """The rows as blocks: the first cell on a line, then ``label value`` pairs flowing
    across the line. A pair is as wide as its column's widest, on every row, so a
    column's values line up from row to row; a column of long texts takes whole lines."""
    labels = table.header[1:]
    columns = [[row[j] for row in table.rows if len(row) > j] for j in range(1, len(table.header))]
    long = [any(len(cell) > _LONG for cell in cells) for cells in columns]
    widths = [
        math.ceil(ems(label) + max(map(ems, cells), default=0) + 1)
        for label, cells in zip(labels, columns, strict=True)
    ]
    parts = ['<div class="stack">', f'<p class="stack-caption">{_e(table.caption)}</p>']
    for row in table.rows:
        if len(row) == 1:
            parts.append(f'<p class="stack-group">{_e(row[0])}</p>')
            continue
        pairs = "".join(_pair(*pair) for pair in zip(labels, row[1:], widths, long, strict=False))
        parts.append(
            f'<div class="stack-row"><p class="stack-head">{_e(row[0])}</p><dl>{pairs}</dl></div>'
        )
    parts.append("</div>")
    return parts


def _pair(label: str, cell: str, width: int, long: bool) -> str:
    kind = ' class="long"' if long else f' style="flex-basis: {width}em"'
    value = f'<dd class="num">{_e(cell)}</dd>' if is_number(cell) else f"<dd>{_e(cell)}</dd>"
    return f"<div{kind}><dt>{_e(label)}</dt>{value}</div>"


def _attr(value: str) -> str:
    return f'"{_e(value)}"'


def _summary(summary: Summary) -> list[str]:
    overall = "".join(f"<li>{_e(sentence)}</li>" for sentence in summary.overall)
    cards = [
        f'<div class="card"><h3><a href="#{_e(card.id)}">{_e(card.title)}</a></h3>'
        f"<ul>{''.join(f'<li>{_e(line)}</li>' for line in card.lines)}</ul></div>"
        for card in summary.cards
    ]
    lead = [f"<p>{_e(summary.lead)}</p>"] if summary.lead else []
    return [
        *lead,
        '<div class="cards">',
        *cards,
        "</div>",
        f'<h3>Tests of association</h3><ul class="overall">{overall}</ul>',
    ]


def _figures(block: Figures, numbers: list[int]) -> list[str]:
    """The figures of ``block``, numbered on from ``numbers[0]`` (a report holds several
    surveys' figures; their numbers and ids must not repeat), which is advanced."""
    from cipp.render.figures import figure_images, inline_svg

    parts = []
    for image in figure_images(block.results, "svg", title=False):
        number = numbers[0]
        numbers[0] += 1
        caption = f"Figure {number}. {image.caption}"
        svg = inline_svg(image.data.decode("utf-8"), image.stem, caption)
        parts.append(
            f'<figure id="figure-{number}">\n{svg}\n<figcaption><strong>Figure {number}.'
            f'</strong> {_e(image.caption)}. <span class="note">{_e(image.note)}</span>'
            "</figcaption></figure>"
        )
    return parts


def _block(block: Block, figure_numbers: list[int]) -> list[str]:
    if isinstance(block, Table):
        return [html_table(block, table_id=block.key)]
    if isinstance(block, Paragraph):
        text = _e(block.text)
        return [f"<p><strong>{text}</strong></p>" if block.style == STRONG else f"<p>{text}</p>"]
    if isinstance(block, Bullets):
        title = [f"<p><strong>{_e(block.title)}</strong></p>"] if block.title else []
        return [*title, "<ul>", *(f"<li>{_e(item)}</li>" for item in block.items), "</ul>"]
    if isinstance(block, Summary):
        return _summary(block)
    return _figures(block, figure_numbers)


def _section(section: Section, section_id: str, figure_numbers: list[int]) -> str:
    body = [line for block in section.blocks for line in _block(block, figure_numbers)]
    if not section.heading:
        return f'<section id="{_e(section_id)}">\n' + "\n".join(body) + "\n</section>"
    tag = "h2" if section.level <= 1 else "h3"
    return (
        f'<section id="{_e(section_id)}" aria-labelledby="{_e(section_id)}-h">\n'
        f'<{tag} id="{_e(section_id)}-h">{_e(section.heading)}</{tag}>\n'
        + "\n".join(body)
        + "\n</section>"
    )


def _header(document: Document, title: str) -> list[str]:
    lines = ["<header>", f"<h1>{_e(title)}</h1>"]
    source = document.source
    if source is not None:
        meta = " ".join(document.meta)
        lines.append(
            f'<p class="meta">Source: {_e(source.where)}; n = {_e(count(source.n))} respondents.'
            f"{' ' + _e(meta) if meta else ''}</p>"
        )
    lines.append("</header>")
    return lines


def write_html(document: Document, width: int = 0) -> str:
    """The document's PAGE view as one self-contained HTML5 page."""
    sections = list(document.shown(PAGE))
    title = document.title or next((s.heading for s in sections if s.heading), "cipp")
    ids = [s.id or f"s{number}" for number, s in enumerate(sections, start=1)]
    contents = "".join(
        f'<li><a href="#{_e(section_id)}">{_e(section.heading)}</a></li>'
        for section, section_id in zip(sections, ids, strict=True)
        if section.heading and section.level <= 1
    )
    figure_numbers = [1]
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f'<meta name="generator" content="cipp {_e(__version__)}" />',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}{fit_rules(document.tables(PAGE))}</style>",
        "</head>",
        "<body>",
        "<main>",
        *_header(document, title),
        f'<nav aria-label="Contents"><h2 id="contents-h">Contents</h2><ol>{contents}</ol></nav>',
        *(_section(section, i, figure_numbers) for section, i in zip(sections, ids, strict=True)),
        f"<footer><p>Produced by cipp {_e(__version__)}.</p></footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(page)
