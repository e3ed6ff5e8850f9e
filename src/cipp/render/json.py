"""JSON: Results.to_dict(), unrounded (the schema is in the README)."""

from __future__ import annotations

import json

from cipp.model.results import Results


def render_json(results: Results) -> str:
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
