"""Results and rendered reports shared by the renderer tests, built once per session.

Rendering figures takes about a second each, so every file is written once here and the
tests open it with its own library (Pillow, xml.etree, python-docx, html.parser).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cipp.flow.analysis import analyze_file
from cipp.model.results import Results
from cipp.render.tabular import TextTable
from tests.conftest import DATA

#: An association table as the CLI will pass it in ``extra``: one test per row.
ASSOCIATIONS = TextTable(
    caption="Tests of association by gender (n = 29)",
    header=("Item", "By", "Test", "χ²", "df", "p", "p (adjusted)", "V"),
    rows=(
        ("Product",),
        ("How would you rate the mentorship program?", "Gender", "Fisher", "–", "–",
         ".004", ".012", ".52"),
        ("I learned personally from this relationship", "Gender", "Pearson", "0.41", "1",
         ".52", ".78", ".12"),
        ("Input",),
        ("The mentor training session helped prepare me", "Gender", "Pearson", "1.20", "1",
         ".27", ".78", ".20"),
    ),
    notes=(
        "p (adjusted): Benjamini-Hochberg across the run's tests.",
        "2 cells (50.0%) have expected count less than 5.",
    ),
    key="associations_gender",
)  # fmt: skip


def without_tests(results: Results) -> Results:
    """The same results as if no association test had run."""
    return replace(results, associations=(), association_summary=None)


@pytest.fixture(scope="session")
def mentees() -> Results:
    return analyze_file(DATA / "mentees.xlsx")


@pytest.fixture(scope="session")
def mentors() -> Results:
    return without_tests(analyze_file(DATA / "mentors.xlsx"))


@pytest.fixture(scope="session")
def figure_dir(tmp_path_factory: pytest.TempPathFactory, mentees: Results, mentors: Results):
    from cipp.render.figures import draw_figures

    folder = tmp_path_factory.mktemp("figures")
    paths = draw_figures(mentees, folder) + draw_figures(mentors, folder)
    return folder, paths


@pytest.fixture(scope="session")
def mentors_docx(tmp_path_factory: pytest.TempPathFactory, mentors: Results) -> Path:
    from cipp.render.docx import render_docx

    out = tmp_path_factory.mktemp("docx") / "mentors.docx"
    render_docx(mentors, out, extra=[ASSOCIATIONS])
    return out


@pytest.fixture(scope="session")
def mentors_html(mentors: Results) -> str:
    from cipp.render.html import render_html

    return render_html(mentors, extra=[ASSOCIATIONS])
