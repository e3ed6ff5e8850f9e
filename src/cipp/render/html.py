"""One self-contained HTML report: executive summary, a section per CIPP component, the
full tables, the figures (inline SVG), the tests, the respondents and the notes.

Self-contained means one file that opens anywhere and prints cleanly: styles in a
<style> block, figures inlined as SVG, no scripts, no fonts, images or stylesheets from
elsewhere, and no links other than in-page anchors. The markup is also well-formed XML
(void elements closed, every text escaped), so strict XML tools can read it as well as
browsers. Accessibility: ``lang``, table captions, ``scope`` on every header cell,
figure captions, and SVGs named for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from html import escape

from cipp import __version__
from cipp.model.results import LevelTable, Results
from cipp.render.report_summary import (
    ComponentFinding,
    Summary,
    strongest_weakest_sentences,
    summarize,
    tables_of_tests,
)
from cipp.render.tabular import TextTable, components_table, demographics_table, level_table

__all__ = ["html_table", "render_html"]

_CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #1a1a1a;
  --line: #d0d0d0; --band: #f3f3f3; --accent: #0b5394; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
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
.table-block { margin: 1.5rem 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem;
  font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.4rem; }
thead th { border-top: 2px solid var(--rule); border-bottom: 1px solid var(--rule);
  font-weight: 600; vertical-align: bottom; }
th, td { padding: 0.3rem 0.5rem; text-align: center; }
thead th:first-child, tbody th { text-align: left; font-weight: normal; }
tbody th[scope="rowgroup"] { font-weight: 600; font-style: italic; background: var(--band); }
table > tbody:last-of-type > tr:last-child > * { border-bottom: 2px solid var(--rule); }
td { white-space: nowrap; }
table.narrow { width: auto; min-width: 24rem; }
.note { font-size: 0.85rem; color: var(--muted); margin-top: 0.4rem; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; max-width: 56rem; height: auto; margin: 0 auto; }
figcaption { font-size: 0.9rem; margin-top: 0.5rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; }
@media print {
  @page { margin: 1.8cm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  .table-block { overflow: visible; }
  .card, figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def html_table(table: TextTable, *, table_id: str = "") -> str:
    """One TextTable as an accessible HTML table followed by its notes.

    Each one-cell heading row (a CIPP component) opens a <tbody> headed by a
    ``scope="rowgroup"`` cell; the first cell of every other row is its row header.
    """
    width = len(table.header)
    parts = [f'<div class="table-block"{f" id={_attr(table_id)}" if table_id else ""}>']
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
        cells.extend(f"<td>{_e(cell)}</td>" for cell in row[1:])
        parts.append(f"<tr>{''.join(cells)}</tr>")
    if not open_body:
        parts.append("<tbody>")
    parts.append("</tbody></table>")
    if table.notes:
        parts.append(f'<p class="note"><em>Note.</em> {_e(" ".join(table.notes))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def _attr(value: str) -> str:
    return f'"{_e(value)}"'


def _component_tables(
    results: Results, component: str, name: str, decimals: int
) -> list[TextTable]:
    """This component's items, one table per response scale, without the heading rows."""
    tables = []
    for table in results.tables():
        items = tuple(s for s in table.items if s.component == component)
        if not items:
            continue
        what = "Yes/No items" if table.kind == "binary" else f"{table.kind.capitalize()} items"
        subset: LevelTable = replace(table, items=items)
        text_table = level_table(
            results,
            subset,
            decimals=decimals,
            by_component=False,
            caption=f"{name}: {what}, n (%) (n = {results.n_respondents})",
        )
        tables.append(replace(text_table, key=f"{component}-{text_table.key}"))
    return tables


def _summary_card(summary: Summary, finding: ComponentFinding, decimals: int) -> str:
    lines = summary.lines(finding, decimals)
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return (
        f'<div class="card"><h3><a href="#{_e(finding.component)}">{_e(finding.name)}</a></h3>'
        f"<ul>{items}</ul></div>"
    )


def _figures_html(results: Results, decimals: int) -> list[str]:
    from cipp.render.figures import figure_images, inline_svg

    parts = []
    for number, image in enumerate(figure_images(results, "svg", title=False), start=1):
        caption = f"Figure {number}. {image.caption}"
        svg = inline_svg(image.data.decode("utf-8"), image.stem, caption)
        parts.append(
            f'<figure id="figure-{number}">\n{svg}\n<figcaption><strong>Figure {number}.'
            f'</strong> {_e(image.caption)}. <span class="note">{_e(image.note)}</span>'
            "</figcaption></figure>"
        )
    return parts


def _section(section_id: str, title: str, body: Sequence[str]) -> str:
    return (
        f'<section id="{_e(section_id)}" aria-labelledby="{_e(section_id)}-h">\n'
        f'<h2 id="{_e(section_id)}-h">{_e(title)}</h2>\n' + "\n".join(body) + "\n</section>"
    )


def render_html(
    results: Results,
    *,
    decimals: int = 1,
    extra: Iterable[TextTable] = (),
    figures: bool = True,
    min_cell: int = 0,
) -> str:
    """The HTML report of ``results`` as one self-contained HTML5 document.

    ``extra`` are further tables (association tests) shown under "Tests of association"
    and read by the executive summary when ``results.associations`` is empty;
    ``figures=False`` leaves the figures out (faster, smaller).
    """
    extra = list(extra)
    title = results.instrument.title
    sheet = f" (sheet {results.sheet})" if results.sheet else ""
    summary = summarize(results, extra)

    sections: list[tuple[str, str, list[str]]] = []
    overall = "".join(f"<li>{_e(sentence)}</li>" for sentence in summary.overall)
    summary_body = [
        f"<p>{_e(results.n_respondents)} respondents. Strongest and weakest items by positive "
        "share: the percentage of valid answers in the scale's favourable group (e.g. Agree, "
        "Good or better, Yes).</p>",
        '<div class="cards">',
        *(_summary_card(summary, finding, decimals) for finding in summary.findings),
        "</div>",
        f'<h3>Tests of association</h3><ul class="overall">{overall}</ul>',
    ]
    sections.append(("summary", "Executive summary", summary_body))

    for finding in summary.findings:
        body = [f"<p>{_e(' '.join(strongest_weakest_sentences(finding, decimals)))}</p>"]
        body.extend(
            html_table(table, table_id=table.key)
            for table in _component_tables(results, finding.component, finding.name, decimals)
        )
        sections.append((finding.component, finding.name, body))

    full = [level_table(results, t, decimals=decimals) for t in results.tables()]
    full.append(components_table(results, decimals=decimals))
    sections.append(("tables", "Tables", [html_table(t, table_id=t.key) for t in full]))

    if figures:
        drawn = _figures_html(results, decimals)
        if drawn:
            sections.append(("figures", "Figures", drawn))

    tests = tables_of_tests(results, extra, decimals=decimals, min_cell=min_cell)
    tests_body = (
        [html_table(t, table_id=t.key or f"tests-{i}") for i, t in enumerate(tests, start=1)]
        if tests
        else ["".join(f"<p>{_e(sentence)}</p>" for sentence in summary.overall)]
    )
    sections.append(("tests", "Tests of association", tests_body))

    if results.demographics:
        demographics = demographics_table(results, decimals=decimals, min_cell=min_cell)
        sections.append(
            ("respondents", "Respondents", [html_table(demographics, table_id=demographics.key)])
        )

    notes = [
        "Percentages are of valid answers to each item; missing and invalid answers are "
        "excluded and counted in the tables' Missing column.",
        *results.notes,
    ]
    sections.append(
        ("notes", "Notes", ["<ul>", *(f"<li>{_e(note)}</li>" for note in notes), "</ul>"])
    )

    contents = "".join(
        f'<li><a href="#{_e(section_id)}">{_e(heading)}</a></li>'
        for section_id, heading, _ in sections
    )
    document = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f'<meta name="generator" content="cipp {_e(__version__)}" />',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Source: {_e(results.source)}{_e(sheet)}; n = '
        f"{_e(results.n_respondents)} respondents. Items are grouped under Stufflebeam's "
        "CIPP components: Context, Input, Process and Product.</p>",
        "</header>",
        f'<nav aria-label="Contents"><h2 id="contents-h">Contents</h2><ol>{contents}</ol></nav>',
        *(_section(section_id, heading, body) for section_id, heading, body in sections),
        f"<footer><p>Produced by cipp {_e(__version__)}.</p></footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(document)
