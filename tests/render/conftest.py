"""Results and rendered reports shared by the renderer tests, built once per session.

Rendering figures takes about a second each, so every file is written once here and the
tests open it with its own library (Pillow, xml.etree, python-docx, html.parser).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cipp.flow.analysis import analyze_file
from cipp.flow.findings import find
from cipp.model.results import AssociationTest, Results
from cipp.render.survey import survey_document
from tests.conftest import DATA


def flag_first_test(results: Results, by: str) -> tuple[Results, AssociationTest]:
    """The same results with the first item test by ``by`` significant after adjustment
    (adjusted p .0123), its findings computed again, and that test."""
    records = list(results.associations)
    first = next(i for i, r in enumerate(records) if r.level == "item" and r.by == by)
    records[first] = replace(records[first], p_adjusted=0.0123, significant_adjusted=True)
    changed = replace(results, associations=tuple(records))
    return replace(changed, findings=find(changed)), records[first]


def without_tests(results: Results) -> Results:
    """The same results as if no association test had run."""
    changed = replace(results, associations=(), association_summary=None)
    return replace(changed, findings=find(changed))


@pytest.fixture(scope="session")
def mentees() -> Results:
    return analyze_file(DATA / "mentees.xlsx")


@pytest.fixture(scope="session")
def mentors() -> Results:
    """The mentor survey with its default tests (year of mentoring, teaching experience),
    the first item test by year of mentoring made significant."""
    results, _ = flag_first_test(analyze_file(DATA / "mentors.xlsx"), "mentoring_year")
    return results


@pytest.fixture(scope="session")
def figure_dir(tmp_path_factory: pytest.TempPathFactory, mentees: Results, mentors: Results):
    from cipp.render.figures import draw_figures

    folder = tmp_path_factory.mktemp("figures")
    paths = draw_figures(mentees, folder) + draw_figures(mentors, folder)
    return folder, paths


@pytest.fixture(scope="session")
def mentors_docx(tmp_path_factory: pytest.TempPathFactory, mentors: Results) -> Path:
    from cipp.render.docx import write_docx

    out = tmp_path_factory.mktemp("docx") / "mentors.docx"
    out.write_bytes(write_docx(survey_document(mentors)))
    return out


@pytest.fixture(scope="session")
def mentors_html(mentors: Results) -> str:
    from cipp.render.html import write_html

    return write_html(survey_document(mentors))
