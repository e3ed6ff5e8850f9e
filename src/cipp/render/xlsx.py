"""Excel workbook formatted as a paper's tables, plus a tidy data sheet.

Each table gets its own sheet: caption in the first row, a bold header row with rules
above and below (APA style), notes under the table, and column widths set to fit. Every
number is a numeric cell with a number format that shows it as the table's text does:
an n (%) cell is two columns (n, %) under its level, % positive three (%, CI low, CI
high), a p value shows "< .001" or APA's places while holding the unrounded p. The tidy
Data sheet holds the document's CSV rows (every level and every test), unrounded.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cipp.render.document import (
    BRIEF,
    COUNT,
    FALL,
    P_VALUE,
    RISE,
    SIGNED,
    STRONG,
    UNIT,
    Document,
    Figures,
    Number,
    Records,
    Table,
)
from cipp.render.safe import sheet_title, xlsx_put

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Colours of the semantic styles (rises green, falls red).
COLOURS = {RISE: "00A050", FALL: "C00000"}


def _sheet_name(table: Table) -> str:
    if table.sheet:
        return table.sheet[:31]
    if table.key.startswith("table") and table.key[5:].isdigit():
        return f"Table {table.key[5:]}"
    return table.key.replace("_", " ").title()[:31] or "Table"


#: Excel's number format of each kind of number (cipp.render.document); percentages and
#: decimals get as many places as the text shows, p values APA's places (see _p_format).
_COUNT_FORMAT = "#,##0"
#: A whole number or a decimal as a table prints it, "1,234", "0.84", ".84", "-3.5".
_NUMBER_TEXT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)$|^-?\d*\.\d+$")


def _literal(text: str) -> str:
    """Text shown as it is inside a number format."""
    return f'"{text}"' if text else ""


def _decimal_format(decimals: int, leading_zero: bool = True) -> str:
    whole = "0" if leading_zero else ""
    return f"{whole}.{'0' * decimals}" if decimals else "0"


def _p_format(number: Number) -> str:
    """'< .001' below .001, '> .99' from .995 on, else the places APA style gives this p
    (as the text shows it), the value kept unrounded."""
    suffix = _literal(number.suffix)
    places = _decimal_format(number.decimals or 3, leading_zero=False)
    return f'[<0.001]"< .001"{suffix};[>=0.995]"> .99"{suffix};{places}{suffix}'


def number_format(number: Number) -> str:
    """The Excel number format that shows ``number`` as the table's text does."""
    suffix = _literal(number.suffix)
    if number.kind == COUNT:
        return _COUNT_FORMAT + suffix
    if number.kind == P_VALUE:
        return _p_format(number)
    if number.kind == UNIT:
        return _decimal_format(number.decimals, leading_zero=False) + suffix
    if number.kind == SIGNED:
        places = _decimal_format(number.decimals)
        return f"+{places}{suffix};-{places}{suffix};{places}{suffix}"
    return _decimal_format(number.decimals) + suffix


def _from_text(text: str) -> tuple[float | None, str]:
    """A table's number printed as text (a table without recorded numbers): its value
    and format, or (None, "") when the text is not one number ("12.5%" is one)."""
    if text.endswith("%") and _NUMBER_TEXT.match(text[:-1]):
        # "12.5%": the percentage as the other tables hold one (12.5, not 0.125).
        value, fmt = _from_text(text[:-1])
        return (None, "") if value is None else (float(value), f'{fmt}"%"')
    if not _NUMBER_TEXT.match(text) or re.match(r"^-?0\d", text):
        return None, ""  # "007" is a code, not a number
    if "." not in text:
        # Shown as printed: "2,400" with its separator, "2023" (a year, a code) without.
        return int(text.replace(",", "")), _COUNT_FORMAT if "," in text else "0"
    places = len(text.rsplit(".", 1)[1])
    return float(text), _decimal_format(places, leading_zero=not text.lstrip("-").startswith("."))


@dataclass(frozen=True)
class _Layout:
    """How a table's columns spread over the sheet: a cell that shows several numbers
    ("8 (4.4)": n and %) gets a column for each, under a second header row."""

    parts: tuple[int, ...]
    heads: tuple[tuple[str, ...], ...]

    @property
    def two_rows(self) -> bool:
        return any(part > 1 for part in self.parts)

    @property
    def starts(self) -> tuple[int, ...]:
        """The sheet column (1-based) where each table column starts."""
        starts, column = [], 1
        for part in self.parts:
            starts.append(column)
            column += part
        return tuple(starts)

    @property
    def width(self) -> int:
        return sum(self.parts)


def _layout(table: Table) -> _Layout:
    parts, heads = [], []
    for column in range(len(table.header)):
        numbers = [
            table.numbers_of(row, column)
            for row, cells in enumerate(table.rows)
            if len(cells) > 1 and column > 0
        ]
        part = max(map(len, numbers), default=1)
        # The sub-heads most of the column's cells share (a demographic's mean ± SD row
        # sits in the n and % columns of its categories).
        named = Counter(tuple(n.head for n in cells) for cells in numbers if len(cells) == part)
        parts.append(max(part, 1))
        heads.append(named.most_common(1)[0][0] if part > 1 else ())
    return _Layout(tuple(parts), tuple(heads))


def _header(sheet: Worksheet, table: Table, layout: _Layout) -> int:
    """The header row(s); returns the last header row."""
    from openpyxl.styles import Alignment, Border, Font, Side

    rule = Side(style="thin")
    last = 4 if layout.two_rows else 3
    for column, (head, start, part) in enumerate(
        zip(table.header, layout.starts, layout.parts, strict=True)
    ):
        cell = xlsx_put(sheet, 3, start, head)
        horizontal = "left" if column == 0 else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical="bottom", wrap_text=True)
        if layout.two_rows and part == 1:
            sheet.merge_cells(start_row=3, start_column=start, end_row=4, end_column=start)
        elif part > 1:
            sheet.merge_cells(
                start_row=3, start_column=start, end_row=3, end_column=start + part - 1
            )
            for offset, sub in enumerate(layout.heads[column]):
                sub_cell = xlsx_put(sheet, 4, start + offset, sub)
                sub_cell.alignment = Alignment(horizontal="center", vertical="bottom")
    for column in range(1, layout.width + 1):
        for row in range(3, last + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font = Font(bold=True)
            cell.border = Border(
                top=rule if row == 3 else None, bottom=rule if row == last else None
            )
    return last


def _put_cell(
    sheet: Worksheet, row: int, column: int, text: str, numbers: tuple[Number, ...]
) -> list[Cell]:
    """One table cell: its numbers as numbers with their formats, or its text (a number
    printed as text, in a table without recorded numbers, still goes in as a number)."""
    if not numbers:
        value, fmt = _from_text(text) if column > 1 else (None, "")
        cell = xlsx_put(sheet, row, column, text if value is None else value)
        if fmt:
            cell.number_format = fmt
        return [cell]
    cells = []
    for offset, number in enumerate(numbers):
        if number.value is None:
            cell = xlsx_put(sheet, row, column + offset, "–")
        else:
            cell = xlsx_put(sheet, row, column + offset, number.value)
            cell.number_format = number_format(number)
        cells.append(cell)
    return cells


def _shown_width(text: str, numbers: tuple[Number, ...], part: int) -> list[int]:
    """Characters each of a cell's sheet columns needs."""
    if not numbers:
        return [len(text)] + [0] * (part - 1)
    widths = [
        len(f"{n.value:,.{n.decimals}f}") + len(n.suffix) if n.value is not None else 1
        for n in numbers
    ]
    return widths + [0] * (part - len(widths))


def add_table_sheet(workbook: Workbook, table: Table, title: str | None = None) -> None:
    """Write one table to a new sheet, formatted like a table in a paper, its numbers as
    numbers: counts, percentages, p values and statistics are numeric cells whose number
    formats show them as the table's text does, so that they sort, filter and add up."""
    from openpyxl.styles import Alignment, Border, Font, Side

    sheet = workbook.create_sheet(sheet_title(title or _sheet_name(table)))
    rule = Side(style="thin")
    layout = _layout(table)
    xlsx_put(sheet, 1, 1, table.caption).font = Font(bold=True, size=12)
    row_number = _header(sheet, table, layout)
    first_data = row_number + 1
    widths = [0] * layout.width
    for index, row in enumerate(table.rows):
        row_number += 1
        if len(row) == 1:
            xlsx_put(sheet, row_number, 1, row[0]).font = Font(bold=True, italic=True)
            continue
        for column, (text, start, part) in enumerate(
            zip(row, layout.starts, layout.parts, strict=False)
        ):
            numbers = table.numbers_of(index, column)
            cells = _put_cell(sheet, row_number, start, text, numbers)
            for offset, width in enumerate(_shown_width(text, numbers, part)):
                widths[start - 1 + offset] = max(widths[start - 1 + offset], width)
            style = table.style_of(index, column)
            for cell in cells:
                cell.alignment = Alignment(
                    horizontal="left" if column == 0 else "right",
                    vertical="top",
                    wrap_text=column == 0,
                )
                if style in COLOURS:
                    cell.font = Font(color=COLOURS[style], bold=text.startswith(("▲", "▼")))
                elif style == STRONG:
                    cell.font = Font(bold=True)
    for column in range(1, layout.width + 1):
        sheet.cell(row=row_number, column=column).border = Border(bottom=rule)
    for offset, note in enumerate(table.notes, start=2):
        xlsx_put(sheet, row_number + offset, 1, note).font = Font(italic=True, size=9)
    _widths(sheet, table, layout, widths)
    sheet.freeze_panes = f"B{first_data}"
    if row_number >= first_data and all(len(row) > 1 for row in table.rows):
        # A table without heading rows sorts and filters as it is.
        last = sheet.cell(row=row_number, column=layout.width).coordinate
        sheet.auto_filter.ref = f"A{first_data - 1}:{last}"


def _widths(sheet: Worksheet, table: Table, layout: _Layout, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    first = max([len(r[0]) for r in table.rows if r] + [len(table.header[0]), 12])
    sheet.column_dimensions["A"].width = min(first + 2, 60)
    for column in range(2, layout.width + 1):
        head = 0
        for index, (start, part) in enumerate(zip(layout.starts, layout.parts, strict=True)):
            if start <= column < start + part:
                heads = layout.heads[index]
                head = len(heads[column - start]) if heads else len(table.header[index]) // part
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(widths[column - 1], head) + 2, 40)


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
    # Tidy rows sort and filter as they are (a test's rows: those with a "by").
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


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
