"""Figures: files, PNG size and content, SVG text, the diverging geometry, determinism."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from cipp.model.errors import OutputError
from cipp.render.figures import (
    WRAP,
    _segments,
    draw_figures,
    figure_images,
    figure_pngs,
    figure_svgs,
    wrap_label,
)

SVG = "{http://www.w3.org/2000/svg}"
EXPECTED = [
    "mentee-table1-likert.png",
    "mentee-table1-likert.svg",
    "mentor-table1-rating.png",
    "mentor-table1-rating.svg",
    "mentor-table2-binary.png",
    "mentor-table2-binary.svg",
]


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_file_names_are_deterministic_and_all_written(figure_dir):
    folder, paths = figure_dir
    assert [path.name for path in paths] == EXPECTED
    assert sorted(path.name for path in folder.iterdir()) == EXPECTED


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.endswith(".png")])
def test_png_is_300_dpi_paper_width_and_not_blank(figure_dir, name):
    folder, _ = figure_dir
    with Image.open(folder / name) as image:
        assert image.format == "PNG"
        assert image.width == 2100  # 7 in at 300 dpi
        assert 600 <= image.height <= 4000
        assert round(image.info["dpi"][0]) == 300
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50
    white = max(colours)[1] == (255, 255, 255)
    assert white, "the background is white"
    assert_nothing_cut_at_the_edges(folder / name)


def assert_nothing_cut_at_the_edges(source) -> None:
    """The outermost pixel rows and columns are blank: no text runs off the image."""
    with Image.open(source) as image:
        grey = image.convert("L")
        width, height = grey.size
        edges = [grey.crop(box) for box in (
            (0, 0, 2, height), (width - 2, 0, width, height),
            (0, 0, width, 2), (0, height - 2, width, height),
        )]  # fmt: skip
    for edge in edges:
        assert edge.getextrema()[0] > 240, "ink at the image's edge"


def _has_colour(path, hex_colour: str) -> bool:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(path) as image:
        return any(colour == rgb for _, colour in image.convert("RGB").getcolors(10**6))


def test_png_uses_the_colour_blind_safe_palettes(figure_dir):
    folder, _ = figure_dir
    # ColorBrewer RdBu 6: both ends of the agreement scale.
    assert _has_colour(folder / "mentee-table1-likert.png", "#b2182b")
    assert _has_colour(folder / "mentee-table1-likert.png", "#2166ac")
    # Okabe-Ito blue (Yes) and orange (No).
    assert _has_colour(folder / "mentor-table2-binary.png", "#0072b2")
    assert _has_colour(folder / "mentor-table2-binary.png", "#e69f00")


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("mentee-table1-likert.svg", "mentees"),
        ("mentor-table1-rating.svg", "mentors"),
        ("mentor-table2-binary.svg", "mentors"),
    ],
)
def test_svg_holds_every_item_text_levels_components_and_n(figure_dir, request, name, fixture):
    results = request.getfixturevalue(fixture)
    folder, _ = figure_dir
    texts = svg_texts((folder / name).read_text(encoding="utf-8"))
    joined = "\n".join(texts)
    number = int(re.search(r"table(\d+)", name).group(1))
    table = results.tables()[number - 1]
    for summary in table.items:
        for line in wrap_label(summary.text).split("\n"):
            assert any(text.startswith(line) for text in texts), line
        assert summary.component.capitalize() in texts
    for label in table.columns:
        assert label in texts
    assert f"(n = {results.n_respondents})" in joined


def test_svg_labels_segments_with_rounded_percentages(figure_dir):
    folder, _ = figure_dir
    texts = svg_texts((folder / "mentor-table1-rating.svg").read_text(encoding="utf-8"))
    # Table 1: 18 of 29 rated the program Good (62.1%), 19 the experience (65.5%).
    assert "62" in texts and "66" in texts


def test_reverse_keyed_yes_no_items_are_marked(figure_dir):
    folder, _ = figure_dir
    texts = svg_texts((folder / "mentor-table2-binary.svg").read_text(encoding="utf-8"))
    marked = [text for text in texts if text.endswith("\u2020")]
    assert len(marked) == 2  # wants_more_training and wants_more_meetings
    assert any("Reverse-keyed" in text and "No" in text for text in texts)


def test_item_with_missing_answers_shows_its_own_n(figure_dir):
    folder, _ = figure_dir
    texts = svg_texts((folder / "mentee-table1-likert.svg").read_text(encoding="utf-8"))
    assert any(text.endswith("(n = 180)") for text in texts)


def test_even_scale_splits_between_the_two_middle_levels():
    segments = _segments([10.0, 20.0, 30.0, 40.0], diverging=True)
    assert segments[0][0] == pytest.approx(-30.0)
    assert segments[2][0] == pytest.approx(0.0)
    assert [width for _, width in segments] == [10.0, 20.0, 30.0, 40.0]


def test_odd_scale_splits_the_middle_level_half_and_half():
    segments = _segments([10.0, 20.0, 30.0, 20.0, 20.0], diverging=True)
    left, width = segments[2]
    assert left == pytest.approx(-15.0) and left + width == pytest.approx(15.0)
    assert segments[0][0] == pytest.approx(-45.0)
    # Contiguous: each segment starts where the previous one ends.
    for (a, w), (b, _) in zip(segments, segments[1:], strict=False):
        assert a + w == pytest.approx(b)


def test_binary_bars_fill_zero_to_hundred():
    segments = _segments([41.4, 58.6], diverging=False)
    assert segments[0] == (0.0, 41.4)
    assert segments[1][0] == pytest.approx(41.4)
    assert sum(segments[-1]) == pytest.approx(100.0)


@pytest.mark.parametrize(
    "text",
    [
        "The mentor training session helped prepare me",
        "I am satisfied with the response and help I received from my mentor.",
        "Short item",
        "A" * 60,
    ],
)
def test_wrap_label_keeps_words_and_width(text):
    wrapped = wrap_label(text)
    assert wrapped.replace("\n", " ") == text
    lines = wrapped.split("\n")
    assert all(len(line) <= WRAP for line in lines if " " in line)
    if len(lines) == 2:
        # Balanced: no orphan word on the last line.
        assert len(lines[1]) >= len(lines[0]) // 2


def test_inline_svgs_and_pngs_for_other_renderers(mentors):
    svgs = figure_svgs(mentors)
    assert [caption.split(":")[1].split("(")[0].strip() for caption, _ in svgs] == [
        "5-point rating scale items",
        "Yes/No items",
    ]
    ids: list[str] = []
    for caption, svg in svgs:
        assert svg.startswith("<svg ") and "<?xml" not in svg and "<metadata" not in svg
        assert 'role="img"' in svg
        root = ET.fromstring(svg)  # well-formed on its own
        ids.extend(element.get("id") for element in root.iter() if element.get("id"))
        # Untitled for inlining: the page's <figcaption> carries the caption.
        assert mentors.instrument.title not in svg_texts(svg)
        assert "(n = 29)" in caption
    assert len(ids) == len(set(ids)), "two inlined figures must not share an id"

    pngs = figure_pngs(mentors, dpi=100)
    assert len(pngs) == 2
    for caption, data in pngs:
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and caption.endswith(".")
        with Image.open(io.BytesIO(data)) as image:
            assert image.width == 700
        # Laid out at 100 dpi, not at 300 and scaled: the widest label still fits.
        assert_nothing_cut_at_the_edges(io.BytesIO(data))


def test_svg_output_is_byte_identical_across_runs(mentors, figure_dir):
    folder, _ = figure_dir
    again = figure_images(mentors, "svg")
    assert again[0].data == (folder / "mentor-table1-rating.svg").read_bytes()


def test_refuses_to_overwrite_an_input_before_drawing(mentors, tmp_path):
    victim = tmp_path / "mentor-table2-binary.png"
    victim.write_bytes(b"precious")
    with pytest.raises(OutputError, match="refusing to overwrite an input"):
        draw_figures(mentors, tmp_path, inputs=[victim])
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentor-table2-binary.png"]


def test_long_item_texts_wrap_and_never_overlap(mentors):
    from dataclasses import replace

    from cipp.render.figures import _draw

    long_text = (
        "Considering everything the program offered this year, including the training, "
        "the scheduling of sessions and the support from the administration, how would "
        "you rate the mentorship program overall?"
    )
    items = tuple(
        replace(s, text=long_text) if s.id == "experience_quality" else s for s in mentors.items
    )
    results = replace(mentors, items=items)
    table = results.tables()[0]
    figure = _draw(results, table, decimals=0, title=True, dpi=100)
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    boxes = [label.get_window_extent(renderer) for label in axes.get_yticklabels()]
    assert len(boxes) == len(table.items)
    assert max(label.get_text().count("\n") for label in axes.get_yticklabels()) >= 3
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert not upper.overlaps(lower)
    for box in boxes:  # inside the figure, not cut at its left edge
        assert box.x0 >= 0
