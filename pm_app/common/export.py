"""CSV and XLSX downloads of already-scoped rows, written as they are read.

Every text cell goes through `neutralise`: a cell that a spreadsheet would read as a formula
(CWE-1236, "CSV injection") gets a leading apostrophe, so a compound named "=cmd()" stays text.
"""
from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook

# What Excel, LibreOffice and WPS treat as the start of a formula or a DDE call (OWASP list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
CHUNK = 64 * 1024


def neutralise(value):
    """Text that could start a formula, prefixed with an apostrophe; other values unchanged.

    Numbers are left alone: they are written as numbers, which a spreadsheet never evaluates.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(row: Sequence) -> list:
    return ["" if value is None else neutralise(value) for value in row]


class _Line:
    """A file-like sink for csv.writer that hands back what one row wrote."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


def write_csv(rows: Iterable[Sequence], headers: Sequence[str]) -> Iterator[str]:
    """Yield the CSV text line by line. UTF-8 with a BOM, so Excel opens Chinese correctly."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(_cells(headers))
    yield "\ufeff" + line.text
    for row in rows:
        writer.writerow(_cells(row))
        yield line.text


def write_xlsx(rows: Iterable[Sequence], headers: Sequence[str], title: str = "export") -> Iterator[bytes]:
    """Yield an XLSX workbook in chunks. openpyxl's write-only mode keeps one row in memory;
    the finished file goes through a temporary file, not a bytes object the size of the export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    # openpyxl would store "=..." as a formula; the neutralised text is stored as a string.
    sheet.append(_cells(headers))
    for row in rows:
        sheet.append(_cells(row))
    with tempfile.TemporaryFile() as buffer:
        book.save(buffer)
        buffer.seek(0)
        while chunk := buffer.read(CHUNK):
            yield chunk

