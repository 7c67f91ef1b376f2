"""Reading the exports' XLSX in tests: row 1 is the title (export · scope · as of), row 2 the
header, then the data (common.export's layout)."""

import io

from openpyxl import load_workbook


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def title(data: bytes) -> str:
    return workbook(data).active["A1"].value


def table(data: bytes) -> list[tuple]:
    """The header and the data rows, values only (numbers, dates and datetimes as stored)."""
    return list(workbook(data).active.iter_rows(min_row=2, values_only=True))
