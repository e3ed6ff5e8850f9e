"""Headless Chromium for the tests that look at HTML as a reader's browser lays it out.

Those tests are skipped when no ``chromium`` binary is installed (Debian: ``apt-get
install chromium``). Every network feature Chromium has is switched off; the pages have
nothing to fetch anyway.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def headless(profile: Path, *args: str) -> list[str]:
    """The command line of a headless, offline Chromium with its own profile folder,
    followed by ``args`` (window size, what to dump, the page)."""
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
