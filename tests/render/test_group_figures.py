"""Figures by group and by wave (issue 19, part 4): file names, PNG at 300 dpi, N and
declared missing answers in the SVG's text, a bar per item and group (or wave), the
instrument's or the positive order, byte-identical reruns, and the two commands.

Drawing costs about a second a figure, so the charts are small: the mentors' Context
(one Yes/No item) and Product (one rating item and three Yes/No items: two panels)
by year of mentoring, and one tiny instrument for the commands.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from PIL import Image

from cipp.cli import app
from cipp.flow.analysis import load_file
from cipp.flow.distributions import by_group, sort_items
from cipp.model.distributions import Bar, Distributions
from cipp.model.errors import OutputError
from cipp.render.group_figures import (
    _draw,
    draw_group_figures,
    group_figure_images,
    group_figure_stems,
)
from tests.conftest import DATA
from tests.render.test_figures import assert_nothing_cut_at_the_edges, svg_texts

SVG = "{http://www.w3.org/2000/svg}"


def _only(distributions: Distributions, *components: str) -> Distributions:
    items = tuple(item for item in distributions.items if item.component in components)
    return replace(distributions, items=items)


@pytest.fixture(scope="module")
def mentors() -> Distributions:
    """By year of mentoring; two N/A answers to time_helpful among second-year mentors
    (the example file has none), to show them beside the bar."""
    distributions = by_group(load_file(DATA / "mentors.xlsx").responses, "mentoring_year")

    def with_na(bar: Bar) -> Bar:
        return replace(bar, declared_missing=2) if bar.group == "Second year" else bar

    items = tuple(
        replace(item, bars=tuple(with_na(bar) for bar in item.bars))
        if item.id == "time_helpful"
        else item
        for item in distributions.items
    )
    return _only(replace(distributions, items=items), "context", "product")


@pytest.fixture(scope="module")
def written(tmp_path_factory, mentors):
    folder = tmp_path_factory.mktemp("by-group")
    return folder, draw_group_figures(mentors, folder)


def test_one_figure_per_component_named_after_the_grouping(written, mentors):
    folder, paths = written
    expected = [
        "mentor-context-by-mentoring_year.png",
        "mentor-context-by-mentoring_year.svg",
        "mentor-product-by-mentoring_year.png",
        "mentor-product-by-mentoring_year.svg",
    ]
    assert [path.name for path in paths] == expected
    assert sorted(path.name for path in folder.iterdir()) == expected
    assert group_figure_stems(mentors) == [name[:-4] for name in expected[::2]]
    for path in paths[::2]:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == 2100  # 7 in at 300 dpi
            assert round(image.info["dpi"][0]) == 300
        assert_nothing_cut_at_the_edges(path)


def test_svg_has_n_at_every_bar_and_the_declared_missing_beside_it(written, mentors):
    folder, _ = written
    texts = svg_texts((folder / "mentor-product-by-mentoring_year.svg").read_text("utf-8"))
    product = [item for item in mentors.items if item.component == "product"]
    expected = [f"N = {bar.n}" for item in product for bar in item.bars]
    assert [text for text in texts if text.startswith("N = ")] == expected
    assert expected.count("N = 15") == 4 and expected.count("N = 14") == 4  # 15 + 14 mentors
    assert texts.count("+2 N/A") == 1  # time_helpful, second-year mentors
    assert texts.count("First year") == texts.count("Second year") == 4  # a bar per item
    for item in product:
        assert any(text.startswith(item.text) for text in texts), item.text
    # Two panels, each with its own levels: the rating scale's and Yes / No.
    for label in ("Very poor", "Excellent", "Yes", "No"):
        assert label in texts
    title = "Mentor evaluation of the mentorship program: Product by Year of mentoring in the "
    assert title + "program (n = 29)" in " ".join(" ".join(texts).split())


def test_reruns_give_identical_files(written, mentors):
    folder, _ = written
    progress: list[tuple[int, int, str]] = []
    png, svg = group_figure_images(
        _only(mentors, "context"), progress=lambda *a: progress.append(a)
    )[0]
    assert progress == [(1, 1, "mentor-context-by-mentoring_year")]
    assert png.data == (folder / "mentor-context-by-mentoring_year.png").read_bytes()
    assert svg.data == (folder / "mentor-context-by-mentoring_year.svg").read_bytes()


def test_bars_follow_the_items_order(mentors):
    """Yes/No items of the product panel, top to bottom: as the instrument lists them, or
    most positive first (time helpful 86.2%, volunteer again 75.9%, learned 72.4%)."""
    positive = replace(mentors, items=sort_items(mentors.items, "positive"))
    orders = []
    for distributions in (mentors, positive):
        figure = _draw(distributions, "product", decimals=0, dpi=60)
        texts = [t.get_text() for t in figure.axes[1].texts]
        order = [t for t in texts if t.split(" ")[0] in ("Would", "Time", "I")]
        orders.append([t.split(" ")[0] for t in order])
    assert orders == [["Would", "Time", "I"], ["Time", "Would", "I"]]


def test_refuses_to_overwrite_an_input_before_drawing(mentors, tmp_path):
    victim = tmp_path / "mentor-product-by-mentoring_year.svg"
    victim.write_text("precious")
    with pytest.raises(OutputError, match="refusing to overwrite an input"):
        draw_group_figures(mentors, tmp_path, inputs=[victim])
    assert [p.name for p in tmp_path.iterdir()] == [victim.name]


# --- the commands ---------------------------------------------------------------------------

INSTRUMENT = """\
id: tiny
title: Tiny survey
scales:
  agree4:
    levels:
      - {code: 1, label: Disagree a lot}
      - {code: 2, label: Disagree}
      - {code: 3, label: Agree}
      - {code: 4, label: Agree a lot}
    missing: ["N/A"]
    collapse: [{label: Disagree, codes: [1, 2]}, {label: Agree, codes: [3, 4]}]
items:
  - {id: useful, text: The sessions were useful., scale: agree4, component: process}
  - {id: clear, text: The goals were clear., scale: agree4, component: process}
demographics:
  - id: site
    type: categorical
    levels: [{label: North}, {label: South}]
"""


def _wave(path, rows) -> None:
    lines = ["site,The sessions were useful.,The goals were clear."]
    lines += [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_analyze_draws_one_figure_set_per_grouping(runner, tmp_path):
    (tmp_path / "tiny.yaml").write_text(INSTRUMENT, encoding="utf-8")
    _wave(
        tmp_path / "tiny.csv",
        [("North", "4", "1"), ("North", "3", "N/A"), ("South", "1", "2"), ("South", "2", "4")],
    )
    folder = tmp_path / "figures"
    args = ["analyze", str(tmp_path / "tiny.csv"), "-i", str(tmp_path / "tiny.yaml")]
    result = runner.invoke(app, [*args, "--by", "site", "--figures", str(folder), "--no-tests"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "tiny-process-by-site.png",
        "tiny-process-by-site.svg",
        "tiny-table1-rating.png",
        "tiny-table1-rating.svg",
    ]
    assert f"wrote {folder / 'tiny-process-by-site.svg'}" in result.stderr
    texts = svg_texts((folder / "tiny-process-by-site.svg").read_text("utf-8"))
    assert [t for t in texts if t.startswith("N = ") or t.endswith("N/A")] == [
        "N = 2",
        "N = 2",
        "N = 1",
        "+1 N/A",
        "N = 2",
    ]
    result = runner.invoke(app, [*args, "--by", "site", "--figures", str(folder), "--sort", "x"])
    assert result.exit_code == 2
    assert "--sort 'x' is not one of instrument, positive" in result.stderr


def test_batch_draws_a_bar_per_item_and_wave(runner, tmp_path):
    (tmp_path / "tiny.yaml").write_text(INSTRUMENT, encoding="utf-8")
    waves = tmp_path / "waves"
    waves.mkdir()
    _wave(waves / "2023.csv", [("North", "4", "3"), ("South", "1", "N/A")])
    _wave(waves / "2024.csv", [("North", "4", "4"), ("South", "3", "3"), ("South", "2", "3")])
    folder = tmp_path / "figures"
    result = runner.invoke(
        app,
        ["batch", str(waves), "-i", str(tmp_path / "tiny.yaml"), "--no-tests", "--workers", "1",
         "--figures", str(folder), "--sort", "positive"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "tiny-process-by-wave.png",
        "tiny-process-by-wave.svg",
    ]
    root = ET.fromstring((folder / "tiny-process-by-wave.svg").read_text("utf-8"))
    texts = [element.text or "" for element in root.iter(f"{SVG}text")]
    assert texts.count("2023") == texts.count("2024") == 2  # one bar per item and wave
    # Most positive first: clear (4 of 4 agree) before useful (3 of 5), against the
    # instrument's order.
    assert texts.index("The goals were clear.") < texts.index("The sessions were useful.")
    assert [t for t in texts if t.startswith("N = ") or t.endswith("N/A")] == [
        "N = 1",
        "+1 N/A",
        "N = 3",
        "N = 2",
        "N = 3",
    ]
    assert "by wave" in " ".join(texts)
