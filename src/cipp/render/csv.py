"""CSV: a document's tidy rows, unrounded, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import math

from cipp.model.errors import OutputError
from cipp.render.document import Document
from cipp.render.safe import csv_value


def _field(value: object) -> object:
    """Full precision (repr) for numbers, empty for what does not exist, true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(float(value))
    return value


def write_csv(document: Document, width: int = 0) -> str:
    records = document.records
    if records is None:
        raise OutputError("this output has no tidy rows to write as CSV")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(records.columns)
    for row in records.rows:
        # Text that a spreadsheet would run as a formula gets a leading ' (render.safe).
        writer.writerow(csv_value(_field(value)) for value in row)
    return buffer.getvalue()
