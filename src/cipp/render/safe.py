"""Values from other people's files made safe for the formats that would act on them.

Labels, answers, quotes and file names come from survey exports and transcripts that
colleagues, platforms and students wrote. Written as they are,

- a spreadsheet runs ``=cmd|' /C calc'!A0`` as a formula (OWASP's "CSV injection"); and
- Markdown renders ``<script>``, ``<img onerror=...>`` and remote images, and a file name
  with a backtick ends its code span early.

Each writer calls these helpers where it writes a value, so the rules live here once:

- :func:`xlsx_put` writes every text cell of a workbook as a string, never a formula (and
  drops the control characters XML cannot hold, which openpyxl would refuse);
- :func:`csv_value` puts a ``'`` before a CSV text field that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return, as OWASP recommends; numbers, and text that
  is a plain number ("-0.5"), are left as they are
  (cipp.model.table.unquote_formula reads it back);
- :func:`markdown_text` escapes HTML and Markdown syntax (and only that, so plain text
  is written unchanged), :func:`markdown_code` makes a code span that no backtick in
  the text can end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cipp.model.table import FORMULA_STARTS
from cipp.render.document import Bullets, Document, Paragraph, Summary, Table

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?")
# XML 1.0 has no place for these; openpyxl raises on them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def csv_value(value: Any) -> Any:
    """A CSV field that a spreadsheet will not run: text starting like a formula gets a
    leading ``'``; anything else (numbers too) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def xml_text(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", value)


def xml_safe(document: Document) -> Document:
    """The document with every text it shows stripped of what XML cannot hold (for the
    Word writer, whose library refuses such text; a CSV cell from a hostile export can
    carry any control character)."""
    if not any(_NOT_XML.search(text) for text in document.texts() if text):
        return document

    def clean(value: Any) -> Any:
        return xml_text(value) if isinstance(value, str) else value

    def texts(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(clean(value) for value in values)

    def block(item: Any) -> Any:
        if isinstance(item, Table):
            rows = tuple(texts(row) for row in item.rows)
            return replace(
                item,
                caption=clean(item.caption),
                header=texts(item.header),
                rows=rows,
                notes=texts(item.notes),
            )
        if isinstance(item, Paragraph):
            return replace(item, text=clean(item.text))
        if isinstance(item, Bullets):
            return replace(item, items=texts(item.items), title=clean(item.title))
        if isinstance(item, Summary):
            cards = tuple(
                replace(card, title=clean(card.title), lines=texts(card.lines))
                for card in item.cards
            )
            return replace(item, cards=cards, overall=texts(item.overall), lead=clean(item.lead))
        return item

    sections = tuple(
        replace(section, heading=clean(section.heading), blocks=tuple(map(block, section.blocks)))
        for section in document.sections
    )
    return replace(
        document,
        title=clean(document.title),
        banner=clean(document.banner),
        meta=texts(document.meta),
        sections=sections,
    )


def xlsx_put(sheet: Any, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text is always a string cell, never a formula or an error code."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = xml_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def sheet_title(name: str) -> str:
    """A worksheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", xml_text(name)).strip("' ")
    return cleaned[:31] or "Sheet"


# What would turn text into markup in CommonMark and GitHub's Markdown, and nothing else,
# so text without it is written unchanged: a backslash before punctuation, HTML (a tag,
# comment or autolink: "<" before a letter, "/", "!" or "?"; an entity), code spans,
# emphasis ("*" anywhere, "_" and "~~" outside words), the "](" "][" "]:" of links and
# images, and a heading, quote or list marker at the start.
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_INLINE = re.compile(r"[`*|]|~~|\](?=[(\[:])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_START = re.compile(r"^(\s*(?:\d+(?=[.)]\s))?)([#>]|[-+](?=\s)|(?<=\d)[.)])")


def markdown_text(value: str, *, block: bool = False) -> str:
    """Text that Markdown shows as it is, on one line: HTML is escaped (``<script>`` and
    ``<img onerror=...>`` print as text) and Markdown syntax backslash-escaped (no link,
    image, code span or emphasis comes from it; with ``block``, text that starts a
    paragraph or a list item, no heading, quote or list either). Text without such
    syntax is returned with only its white space collapsed."""
    text = " ".join(value.split())
    text = _BACKSLASH.sub(r"\\\\", text)
    text = _ENTITY.sub("&amp;", text)
    text = _TAG.sub("&lt;", text)
    text = _INLINE.sub(lambda m: "".join("\\" + ch for ch in m.group(0)), text)
    if not block:
        return text
    return _START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def markdown_code(value: str) -> str:
    """An inline code span holding ``value`` whatever backticks it contains (CommonMark:
    the fence is one backtick longer than the longest run inside)."""
    value = " ".join(value.split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") or not value else value
    return f"{fence}{padded}{fence}"
