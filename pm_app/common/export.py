"""CSV and XLSX downloads of already-scoped rows.

Every row is read and written while the request is still running (its database session open):
the file goes to a temporary file that spills to disk past `SPOOL_BYTES`, and only its bytes are
streamed afterwards. A generator that read the rows lazily outlived the request's session and
died on the first lazy load (`DetachedInstanceError`), after the header had gone out.

Every text cell goes through `neutralise`: a cell that a spreadsheet would read as a formula
(CWE-1236, "CSV injection") gets a leading apostrophe, so a compound named "=cmd()" stays text.
A CSV cell holding a `;` or a tab is quoted as one holding a comma is, so a spreadsheet whose list
separator is the semicolon cannot split `a;=1+1` into a second cell that is a formula.
"""
from __future__ import annotations

import io
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook

# What Excel, LibreOffice and WPS treat as the start of a formula or a DDE call (OWASP list),
# looked for at the first character that is not white space once the text is NFKC-normalised:
# " =1", "\n=1", "＝1" (full-width) and "﹢1" all start a formula somewhere.
FORMULA_STARTS = ("=", "+", "-", "@")
QUOTED = frozenset(',;"\t\r\n')  # a CSV cell with one of these is quoted
CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024


def neutralise(value):
    """Text that could start a formula, prefixed with an apostrophe; other values unchanged.

    Numbers are left alone: they are written as numbers, which a spreadsheet never evaluates.
    """
    if not isinstance(value, str) or not value:
        return value
    if unicodedata.category(value[0]) == "Cc" or \
            unicodedata.normalize("NFKC", value).lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(row: Sequence) -> list:
    return ["" if value is None else neutralise(value) for value in row]


def write_csv(rows: Iterable[Sequence], headers: Sequence[str]) -> Iterator[bytes]:
    """The CSV file, UTF-8 with a BOM so Excel opens Chinese correctly. Every row is read before
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


def write_xlsx(rows: Iterable[Sequence], headers: Sequence[str], title: str = "export") -> Iterator[bytes]:
    """The XLSX workbook, written whole before this returns (openpyxl's write-only mode keeps one
    row in memory; the file goes through a temporary file), then handed out in chunks."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    # openpyxl would store "=..." as a formula; the neutralised text is stored as a string.
    sheet.append(_cells(headers))
    for row in rows:
        sheet.append(_cells(row))
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    book.save(buffer)
    return _chunks(buffer)


def _chunks(buffer) -> Iterator[bytes]:
    """The file's bytes; the file is closed at the end or when the server closes the response."""
    buffer.seek(0)
    with buffer:
        while chunk := buffer.read(CHUNK):
            yield chunk
