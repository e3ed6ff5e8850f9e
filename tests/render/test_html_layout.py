"""Every document the README shows, as HTML in headless Chromium 1,024 px wide and as
printed on A4 with 2 cm margins: nothing scrolls sideways, nothing is cut.

All pages are measured in one Chromium run per width: a harness page holds each as an
iframe (``srcdoc``, so the harness may read its layout) exactly as wide as the window
it stands for, and a script writes what it measured into the DOM, which ``--dump-dom``
prints. Print is emulated by applying the page's ``@media print`` rules instead of its
``@media screen`` ones at A4's text width (170 mm = 643 CSS px). The Chromium tests are
skipped when it is not installed (as in test_chromium.py); the markup tests run anyway.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cipp.cli import app
from cipp.render.document import Document, Section, Table
from cipp.render.html import fit_class, html_table, is_number, write_html
from tests.chromium import headless, needs_chromium
from tests.readable import BATCH, DOCUMENTS, write_wide_survey

SCREEN, A4_TEXT = 1024, 643

_MEASURE = """
window.addEventListener('load', () => {
  const out = {};
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument, view = frame.contentWindow;
    const cut = [];
    for (const el of doc.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      const scrolls = getComputedStyle(el).overflowX !== 'visible'
        && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
      if (box.right > view.innerWidth + 1 || scrolls)
        cut.push(el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(box.right)
          + ' ' + el.scrollWidth + '/' + el.clientWidth);
    }
    const shown = {};
    for (const block of doc.querySelectorAll('.table-block')) {
      const table = block.querySelector(':scope > table');
      const stack = block.querySelector(':scope > .stack');
      const visible = (e) => e !== null && getComputedStyle(e).display !== 'none';
      shown[block.id || block.className] = (visible(table) ? 'table' : '')
        + (visible(stack) ? 'stack' : '');
    }
    out[frame.name] = {width: view.innerWidth, scroll: doc.documentElement.scrollWidth,
      cut: cut.slice(0, 5), shown: shown};
  }
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
"""


def measure(pages: dict[str, str], width: int, folder: Path, *, printed: bool = False) -> dict:
    """What Chromium lays out for each page in a window ``width`` px wide."""
    frames = []
    for name, page in pages.items():
        if printed:
            page = page.replace("@media screen", "@media not all")
            page = page.replace("@media print", "@media all")
        frames.append(
            f'<iframe name="{html.escape(name)}" style="display: block; border: 0; '
            f'width: {width}px; height: 600px" srcdoc="{html.escape(page)}"></iframe>'
        )
    harness = folder / f"harness-{width}.html"
    harness.write_text(
        f"<!DOCTYPE html><html><body style='margin: 0'>{''.join(frames)}"
        f"<script>{_MEASURE}</script></body></html>",
        encoding="utf-8",
    )
    command = headless(
        folder / "profile",
        "--hide-scrollbars",
        f"--window-size={width + 40},800",
        "--virtual-time-budget=20000",
        "--dump-dom",
        harness.as_uri(),
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stderr[-2000:]
    measured: dict = json.loads(html.unescape(found.group(1)))
    return measured


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """Every README document (and the batch's wave pages, and a large survey) as HTML."""
    folder = tmp_path_factory.mktemp("html")
    instrument, responses = write_wide_survey(folder)
    commands = {name: list(args) for name, args in DOCUMENTS}
    commands["wide-survey"] = ["analyze", str(responses), "--instrument", str(instrument)]
    runner = CliRunner()
    out: dict[str, str] = {}
    for name, args in commands.items():
        target = folder / f"{name}.html"
        result = runner.invoke(app, [*args, "--format", "html", "--out", str(target)])
        assert result.exit_code == 0, (name, result.output[-2000:])
        out[name] = target.read_text(encoding="utf-8")
    batch = folder / "batch"
    result = runner.invoke(app, [*BATCH, "--format", "html", "--out", str(batch)])
    assert result.exit_code == 0, result.output[-2000:]
    for page in sorted(batch.rglob("*.html")):
        out[f"batch-{page.stem}"] = page.read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def screen(pages, tmp_path_factory) -> dict:
    return measure(pages, SCREEN, tmp_path_factory.mktemp("screen"))


@pytest.fixture(scope="module")
def paper(pages, tmp_path_factory) -> dict:
    return measure(pages, A4_TEXT, tmp_path_factory.mktemp("paper"), printed=True)


@needs_chromium
@pytest.mark.parametrize("view", ["screen", "paper"])
def test_no_page_scrolls_sideways_and_nothing_is_cut(pages, view, request):
    measured = request.getfixturevalue(view)
    assert set(measured) == set(pages)
    width = SCREEN if view == "screen" else A4_TEXT
    for name, page in measured.items():
        assert page["width"] == width, name
        assert page["scroll"] <= width, (name, page["scroll"])
        assert page["cut"] == [], (name, page["cut"])
        assert page["shown"], name
        # Each table shows once: as a table or stacked, never both or neither.
        assert set(page["shown"].values()) <= {"table", "stack"}, (name, page["shown"])


@needs_chromium
def test_tables_that_fit_stay_tables_and_wide_ones_stack(screen, paper):
    mentees = screen["analyze-mentees"]["shown"]
    assert mentees["table1"] == "table"  # the Likert table fits 1,024 px
    assert mentees["tests_age"] == "stack"  # ten columns with the APA lines do not
    assert mentees["demographics"] == "table"
    # The report's joint display is no longer one wide table but a block per component.
    assert "joint_display" not in screen["report"]["shown"]
    printed = paper["analyze-mentees"]["shown"]
    assert printed["demographics"] == printed["context-table1"] == "table"
    assert printed["table1"] == "stack"  # with its Missing column, not in 170 mm


def test_print_is_a4_with_2_cm_margins():
    page = write_html(Document("T", (Section("S", (Table("C", ("a", "b"), (("x", "1"),)),)),)))
    assert "@page { size: A4; margin: 2cm; }" in page


WIDE = Table(
    "Wide <b>table</b>",
    ("Item", *(f"Level {n}" for n in range(1, 9)), "n", "Note"),
    (
        ("Component",),
        ("An item <script>alert(1)</script>", *("1,234 (56.7)",) * 8, "2,400", "& more text"),
    ),
    notes=("A note.",),
    key="wide",
)


def test_numbers_never_wrap_and_text_does():
    assert is_number("82.4 (76.2–87.3)") and is_number("p = .75") and is_number("< .001 *")
    assert is_number("0.71 (n = 182)") and is_number("2,400")
    assert not is_number("Fisher (Monte Carlo)") and not is_number("11 (45.8%) < 5; min 1.63")
    assert not is_number("–") and not is_number("not testable")
    markup = html_table(WIDE, table_id="wide")
    assert markup.count('<td class="num">1,234 (56.7)</td>') == 8
    assert "<td>&amp; more text</td>" in markup


def test_a_table_too_wide_for_any_page_is_stacked_with_every_cell_escaped():
    markup = html_table(WIDE, table_id="wide")
    assert fit_class(WIDE) == "stacked" and 'class="table-block stacked"' in markup
    stack = markup[markup.index('<div class="stack"') :]
    assert '<p class="stack-group">Component</p>' in stack
    assert '<p class="stack-head">An item &lt;script&gt;alert(1)&lt;/script&gt;</p>' in stack
    assert stack.count('<dt>Level 3</dt><dd class="num">1,234 (56.7)</dd>') == 1
    assert '<dt>n</dt><dd class="num">2,400</dd>' in stack
    assert "<script>" not in markup and "<b>" not in markup


def test_a_narrow_table_gets_container_queries_at_its_widths():
    narrow = Table("Narrow", ("Item", "n"), (("An item of the survey", "12"),), key="narrow")
    page = write_html(Document("T", (Section("S", (narrow,)),)))
    screen, paper = re.fullmatch(r"fit-(\d+) print-(\d+)", fit_class(narrow)).groups()
    assert 2 < int(paper) < int(screen) < 30
    screen_rules = page[page.index("@media screen {") : page.rindex("@media print {\n")]
    assert f"@container (max-width: {screen}em) {{ .fit-{screen} > table" in screen_rules
    print_rules = page[page.rindex("@media print {\n") :]
    assert f"@container (max-width: {paper}em) {{ .print-{paper} > table" in print_rules
