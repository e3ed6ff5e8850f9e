"""Excel workbook formatted as a paper's tables, plus a tidy data sheet.

Each table gets its own sheet: caption in the first row, a bold header row with rules
above and below (APA style), n (%) cells right-aligned, notes under the table, and
column widths set to fit.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from cipp.render.document import BRIEF, FALL, RISE, STRONG, Document, Figures, Records, Table
from cipp.render.safe import sheet_title, xlsx_put

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

#: Colours of the semantic styles (rises green, falls red).
COLOURS = {RISE: "00A050", FALL: "C00000"}


def _sheet_name(table: Table) -> str:
    if table.sheet:
        return table.sheet[:31]
    if table.key.startswith("table") and table.key[5:].isdigit():
        return f"Table {table.key[5:]}"
    return table.key.replace("_", " ").title()[:31] or "Table"


def add_table_sheet(workbook: Workbook, table: Table, title: str | None = None) -> None:
    """Write one table to a new sheet, formatted like a table in a paper."""
    from openpyxl.styles import Alignment, Border, Font, Side

    sheet = workbook.create_sheet(sheet_title(title or _sheet_name(table)))
    rule = Side(style="thin")
    width = len(table.header)
    xlsx_put(sheet, 1, 1, table.caption).font = Font(bold=True, size=12)
    for column, head in enumerate(table.header, start=1):
        cell = xlsx_put(sheet, 3, column, head)
        cell.font = Font(bold=True)
        cell.border = Border(top=rule, bottom=rule)
        cell.alignment = Alignment(
            horizontal="left" if column == 1 else "center", vertical="bottom", wrap_text=True
        )
    row_number = 3
    for row in table.rows:
        row_number += 1
        if len(row) == 1:
            xlsx_put(sheet, row_number, 1, row[0]).font = Font(bold=True, italic=True)
            continue
        for column, text in enumerate(row, start=1):
            # Whole counts go in as numbers, so Excel does not flag "number stored as text".
            value: str | int = int(text) if column > 1 and text.isdigit() else text
            cell = xlsx_put(sheet, row_number, column, value)
            cell.alignment = Alignment(
                horizontal="left" if column == 1 else "right", vertical="top", wrap_text=column == 1
            )
            style = table.style_of(row_number - 4, column - 1)
            if style in COLOURS:
                cell.font = Font(color=COLOURS[style], bold=text.startswith(("▲", "▼")))
            elif style == STRONG:
                cell.font = Font(bold=True)
    for column in range(1, width + 1):
        sheet.cell(row=row_number, column=column).border = Border(bottom=rule)
    for offset, note in enumerate(table.notes, start=2):
        xlsx_put(sheet, row_number + offset, 1, note).font = Font(italic=True, size=9)
    first = max([len(r[0]) for r in table.rows if r] + [len(table.header[0]), 12])
    sheet.column_dimensions["A"].width = min(first + 2, 60)
    for column in range(2, width + 1):
        longest = max(
            [len(table.header[column - 1])]
            + [len(r[column - 1]) for r in table.rows if len(r) >= column]
        )
        letter = sheet.cell(row=3, column=column).column_letter
        sheet.column_dimensions[letter].width = min(max(longest + 2, 10), 40)
    sheet.freeze_panes = "B4"


def _cell(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _data_sheet(workbook: Workbook, records: Records) -> None:
    sheet = workbook.create_sheet("Data")
    for column, name in enumerate(records.columns, start=1):
        xlsx_put(sheet, 1, column, name)
    for number, row in enumerate(records.rows, start=2):
        for column, value in enumerate(row, start=1):
            xlsx_put(sheet, number, column, _cell(value))


def _figure_sheets(workbook: Workbook, figures: Figures, first_number: int) -> int:
    """One sheet per figure (the diverging and Yes/No bar charts), as PNG."""
    from openpyxl.drawing.image import Image

    from cipp.render.figures import figure_pngs

    dpi = 150
    number = first_number
    for caption, png in figure_pngs(figures.results, dpi=dpi):
        sheet = workbook.create_sheet(f"Figure {number}")
        xlsx_put(sheet, 1, 1, caption)
        image = Image(io.BytesIO(png))
        # Excel places images at 96 dpi; scale so the figure keeps its printed size.
        image.width, image.height = image.width * 96 // dpi, image.height * 96 // dpi
        sheet.add_image(image, "A3")
        number += 1
    return number


def build_workbook(document: Document) -> Workbook:
    """A sheet per table of the brief view, the tidy data, then the figures."""
    from openpyxl import Workbook

    workbook = Workbook()
    default = workbook.active
    used: set[str] = set()
    tables = sorted(document.tables(BRIEF), key=lambda t: not t.sheet_first)
    for table in tables:
        name = _sheet_name(table)
        while name.casefold() in used:
            name = f"{name[:27]} {len(used) + 1}"
        used.add(name.casefold())
        add_table_sheet(workbook, table, name)
    if document.records is not None:
        _data_sheet(workbook, document.records)
    number = 1
    for figures in document.figures():
        number = _figure_sheets(workbook, figures, number)
    if default is not None:
        workbook.remove(default)
    return workbook


def write_xlsx(document: Document, width: int = 0) -> bytes:
    """The workbook as .xlsx bytes."""
    from cipp.render.stable import stable_zip

    buffer = io.BytesIO()
    build_workbook(document).save(buffer)
    return stable_zip(buffer.getvalue())
