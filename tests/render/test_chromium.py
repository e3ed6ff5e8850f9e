"""The HTML report as a reader sees it: rendered by headless Chromium into a screenshot
(skipped without Chromium; see tests/chromium.py)."""

from __future__ import annotations

import subprocess

from PIL import Image

from tests.chromium import headless, needs_chromium


@needs_chromium
def test_headless_chromium_renders_a_non_blank_page(tmp_path, mentors_html):
    page = tmp_path / "report.html"
    page.write_text(mentors_html, encoding="utf-8")
    shot = tmp_path / "report.png"
    command = headless(
        tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()
    )
    completed = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert shot.exists(), completed.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1_000_000)
        inked = sum(n for n, colour in colours if sum(colour) < 600)
    assert colours is not None and len(colours) > 20  # text is anti-aliased
    assert max(colours)[1] == (255, 255, 255)  # a white page ...
    assert inked > 0.01 * 1280 * 2000  # ... with text on it
