"""Excel workbook formatted as a paper's tables, plus a tidy data sheet.

Each table gets its own sheet: caption in the first row, a bold header row with rules
above and below (APA style), n (%) cells right-aligned, notes under the table, and
column widths set to fit.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.results import Results
from cipp.render.csv import COLUMNS, tidy_rows
from cipp.render.files import write_with
from cipp.render.tabular import TextTable, all_tables

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

SHEET_NAMES = {"components": "Components", "demographics": "Demographics"}


def _sheet_name(table: TextTable) -> str:
    if table.key.startswith("table"):
        return f"Table {table.key[5:]}"
    return SHEET_NAMES.get(table.key, table.key.replace("_", " ").title())[:31]


def add_table_sheet(workbook: Workbook, table: TextTable, title: str | None = None) -> None:
    """Write one TextTable to a new sheet, formatted like a table in a paper."""
    from openpyxl.styles import Alignment, Border, Font, Side

    sheet = workbook.create_sheet(title or _sheet_name(table))
    rule = Side(style="thin")
    width = len(table.header)
    sheet.cell(row=1, column=1, value=table.caption).font = Font(bold=True, size=12)
    for column, head in enumerate(table.header, start=1):
        cell = sheet.cell(row=3, column=column, value=head)
        cell.font = Font(bold=True)
        cell.border = Border(top=rule, bottom=rule)
        cell.alignment = Alignment(
            horizontal="left" if column == 1 else "center", vertical="bottom", wrap_text=True
        )
    row_number = 3
    for row in table.rows:
        row_number += 1
        if len(row) == 1:
            sheet.cell(row=row_number, column=1, value=row[0]).font = Font(bold=True, italic=True)
            continue
        for column, text in enumerate(row, start=1):
            # Whole counts go in as numbers, so Excel does not flag "number stored as text".
            value: str | int = int(text) if column > 1 and text.isdigit() else text
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.alignment = Alignment(
                horizontal="left" if column == 1 else "right", vertical="top", wrap_text=column == 1
            )
    for column in range(1, width + 1):
        sheet.cell(row=row_number, column=column).border = Border(bottom=rule)
    for offset, note in enumerate(table.notes, start=2):
        sheet.cell(row=row_number + offset, column=1, value=note).font = Font(italic=True, size=9)
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


def _data_sheet(workbook: Workbook, results: Results) -> None:
    sheet = workbook.create_sheet("Data")
    sheet.append(list(COLUMNS))
    for row in tidy_rows(results):
        sheet.append(list(row))


def build_workbook(
    results: Results,
    *,
    decimals: int = 1,
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
    figures: bool = True,
) -> Workbook:
    from openpyxl import Workbook

    workbook = Workbook()
    default = workbook.active
    for table in [*all_tables(results, decimals=decimals, min_cell=min_cell), *(extra or [])]:
        add_table_sheet(workbook, table)
    _data_sheet(workbook, results)
    if figures:
        _figure_sheets(workbook, results)
    if default is not None:
        workbook.remove(default)
    return workbook


def _figure_sheets(workbook: Workbook, results: Results) -> None:
    """One sheet per figure (the diverging and Yes/No bar charts), as PNG."""
    from io import BytesIO

    from openpyxl.drawing.image import Image

    from cipp.render.figures import figure_pngs

    dpi = 150
    for number, (caption, png) in enumerate(figure_pngs(results, dpi=dpi), start=1):
        sheet = workbook.create_sheet(f"Figure {number}")
        sheet["A1"] = caption
        image = Image(BytesIO(png))
        # Excel places images at 96 dpi; scale so the figure keeps its printed size.
        image.width, image.height = image.width * 96 // dpi, image.height * 96 // dpi
        sheet.add_image(image, "A3")


def render_xlsx(
    results: Results,
    out: Path,
    *,
    decimals: int = 1,
    inputs: tuple[Path, ...] = (),
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
    figures: bool = True,
) -> None:
    """Write the workbook to ``out`` atomically: a sheet per table, the tidy data, figures."""
    workbook = build_workbook(
        results, decimals=decimals, extra=extra, min_cell=min_cell, figures=figures
    )
    write_with(out, lambda tmp: workbook.save(tmp), inputs=inputs)
