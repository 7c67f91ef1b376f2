"""CSV and XLSX downloads of already-scoped rows.

Every row is read and written while the request is still running (its database session open):
the file goes to a temporary file that spills to disk past `SPOOL_BYTES`, and only its bytes are
streamed afterwards. A generator that read the rows lazily outlived the request's session and
died on the first lazy load (`DetachedInstanceError`), after the header had gone out.

Every text cell goes through `neutralise`: a cell that a spreadsheet would read as a formula
(CWE-1236, "CSV injection") gets a leading apostrophe, so a compound named "=cmd()" stays text.
A CSV cell holding a `;` or a tab is quoted as one holding a comma is, so a spreadsheet whose list
separator is the semicolon cannot split `a;=1+1` into a second cell that is a formula.

The XLSX layout (docs/dashboards.md, "Exports"): row 1 is a title naming the export, its scope
and the as-of date; row 2 the header, frozen so it stays in view; then the rows, with the typed
cells of common.cells as numbers, percentages, dates and city datetimes. Column widths come from
the header and the first `WIDTH_ROWS` rows, held back until the widths are set (write-only
worksheets take widths only before the first row): the rest stream as before.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice

from flask import has_request_context
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pm_app.common.cells import Cell
from pm_app.common.clock import today

# What Excel, LibreOffice and WPS treat as the start of a formula or a DDE call (OWASP list),
# looked for at the first character that is not white space once the text is NFKC-normalised:
# " =1", "\n=1", "＝1" (full-width) and "﹢1" all start a formula somewhere.
FORMULA_STARTS = ("=", "+", "-", "@")
QUOTED = frozenset(',;"\t\r\n')  # a CSV cell with one of these is quoted
CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024
WIDTH_ROWS = 200  # rows looked at for the column widths
MIN_WIDTH, MAX_WIDTH = 6, 50  # in characters; a long description wraps off the edge, not the sheet
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def neutralise(value):
    """Text that could start a formula, prefixed with an apostrophe; other values unchanged.

    Numbers are left alone: they are written as numbers, which a spreadsheet never evaluates.
    """
    if not isinstance(value, str) or not value:
        return value
    if unicodedata.category(value[0]) == "Cc" or unicodedata.normalize("NFKC", value).lstrip().startswith(
        FORMULA_STARTS
    ):
        return "'" + value
    return value


def _cells(row: Sequence) -> list:
    """Text cells defused; a typed cell's text is a number or date we wrote, never a formula
    (a negative amount stays "-30.00", as the statement's Decimal always did)."""
    return ["" if value is None else value.text if isinstance(value, Cell) else neutralise(value) for value in row]


def write_csv(rows: Iterable[Sequence], headers: Sequence[str], **_title) -> Iterator[bytes]:
    """The CSV file (plain text: a typed cell writes its text; the title is not written, so a
    CSV stays one header line and rows, as importers expect), UTF-8 with a BOM so Excel opens Chinese correctly. Every row is read before
    this returns; the iterator then hands out the written file in chunks."""
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    text.write(_csv_line(headers))
    for row in rows:
        text.write(_csv_line(row))
    text.flush()
    text.detach()
    return _chunks(buffer)


def _csv_line(row: Sequence) -> str:
    return ",".join(_csv_cell(value) for value in _cells(row)) + "\r\n"


def _csv_cell(value) -> str:
    text = str(value)
    if isinstance(value, str) and (QUOTED.intersection(text) or text != text.strip(" ")):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_xlsx(
    rows: Iterable[Sequence],
    headers: Sequence[str],
    title: str | None = None,
    scope: str = "",
    as_of: date | None = None,
) -> Iterator[bytes]:
    """The XLSX workbook, written whole before this returns (openpyxl's write-only mode keeps one
    row in memory; the file goes through a temporary file), then handed out in chunks."""
    title = title or _("Export")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title.translate(SHEET_FORBIDDEN).strip() or _("Export"))[:31])
    rows = iter(rows)
    first = list(islice(rows, WIDTH_ROWS))
    for index, width in enumerate(_widths(headers, first), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"  # below the title and the header
    sheet.append([_bold(sheet, title_line(title, scope, as_of))])
    sheet.append([_bold(sheet, value) for value in _cells(headers)])
    for row in first:
        sheet.append(_xlsx_cells(sheet, row))
    for row in rows:
        sheet.append(_xlsx_cells(sheet, row))
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    book.save(buffer)
    return _chunks(buffer)


def _(text: str, **values) -> str:
    """gettext in a request; the English outside one (a script or a unit test writing a file)."""
    return gettext(text, **values) if has_request_context() else text % values if values else text


def title_line(title: str, scope: str, as_of: date | None) -> str:
    day = (as_of or today()).isoformat()
    parts = [title, scope, _("as of %(day)s (Beijing time)", day=day)]
    return " · ".join(part for part in parts if part)


def _xlsx_cells(sheet, row: Sequence) -> list:
    """Typed cells as numbers/dates with their format; text neutralised (openpyxl would store
    "=..." as a formula; the neutralised text is stored as a string)."""
    out = []
    for value in row:
        if isinstance(value, Cell):
            cell = WriteOnlyCell(sheet, value=value.value)
            cell.number_format = value.number_format
            out.append(cell)
        else:
            out.append("" if value is None else neutralise(value))
    return out


def _bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _widths(headers: Sequence[str], rows: list[Sequence]) -> list[float]:
    """Each column as wide as its widest header or early cell, a CJK character counting two."""
    widths = [_text_width(str(h)) for h in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            text = value.width_text if isinstance(value, Cell) else ("" if value is None else str(value))
            widths[index] = max(widths[index], _text_width(text))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _chunks(buffer) -> Iterator[bytes]:
    """The file's bytes; the file is closed at the end or when the server closes the response."""
    buffer.seek(0)
    with buffer:
        while chunk := buffer.read(CHUNK):
            yield chunk
