"""Reading the sheet of an XLSX workbook that opens first, streamed: merged cells filled from their
first cell (a building merged down A2:A5, a group header merged across), hidden rows marked (a
register hides the households that moved out), and refusals for what cannot be read: bombs,
damaged archives, password-protected and old binary workbooks.

openpyxl's read-only mode streams but keeps neither merges nor row attributes, so its sheet parser
is driven here directly: merges come from a first quick scan of the sheet's XML (they are written
after the rows), and a row's `hidden` from the attributes the parser records as it goes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import ParseError

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from pm_app.common.imports.reading import Line, Sheet, UnreadableFile

# Real sheets deflate 5–20 to 1; a zip bomb, 1000 to 1. Parts under RATIO_FLOOR (styles, themes)
# may compress better and are too small to matter.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream a protected .xlsx keeps inside its OLE file
_SCAN = 1 << 20
_DAMAGED = (zipfile.BadZipFile, KeyError, ValueError, ParseError, EOFError)


def refuse_ole(upload: IO[bytes]) -> None:
    """An OLE compound file is either a workbook saved with a password or an old .xls: say which."""
    tail = b""
    try:
        while chunk := upload.read(_SCAN):
            if _ENCRYPTED in tail + chunk:
                raise UnreadableFile(
                    _(
                        "The workbook is protected with a password: open it in Excel, remove the "
                        "password (File → Info → Protect Workbook), save it and upload it again."
                    )
                )
            tail = chunk[-len(_ENCRYPTED) :]
    finally:
        upload.seek(0)
    raise UnreadableFile(_("This is an old .xls workbook: save it as .xlsx or as CSV UTF-8."))


def xlsx_sheet(upload: IO[bytes]) -> Sheet:
    _refuse_bombs(upload)
    try:
        # read_only streams the sheet's XML; data_only reads the values last calculated, not formulas.
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError) as exc:
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook.")) from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        merges = _merges(sheet)
        total = sheet.max_row if (sheet.max_row or 0) > 1 else 0  # writers often record "A1"
    except _DAMAGED as exc:
        workbook.close()
        raise UnreadableFile(_("The workbook is damaged and could not be read to the end.")) from exc
    return Sheet(_lines(workbook, sheet, merges), total, workbook.close)


def _lines(workbook, sheet, merges: list[tuple[int, int, int, int]]) -> Iterator[Line]:
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            filler = _Filler(merges)
            for number, cells in parser.parse():
                values = [None] * (cells[-1]["column"] if cells else 0)
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                hidden = False
                if parser.row_dimensions:  # only rows with attributes besides their number are there
                    attributes = parser.row_dimensions.pop(str(number), None) or {}
                    hidden = attributes.get("hidden") in ("1", "true")
                yield Line(number, filler.fill(number, values), hidden)
    except _DAMAGED as exc:
        raise UnreadableFile(_("The workbook is damaged and could not be read to the end.")) from exc
    finally:
        workbook.close()


class _Filler:
    """Copies each merged range's first value into the range's other cells, a row at a time."""

    def __init__(self, merges: list[tuple[int, int, int, int]]):
        self.waiting = sorted(merges, key=lambda m: m[1], reverse=True)  # (min_col, min_row, max_col, max_row)
        self.active: list[list] = []  # [range, value]

    def fill(self, number: int, values: list) -> list:
        while self.waiting and self.waiting[-1][1] <= number:
            self.active.append([self.waiting.pop(), None])
        self.active = [entry for entry in self.active if entry[0][3] >= number]
        for entry in self.active:
            min_col, min_row, max_col, _max_row = entry[0]
            if number == min_row and min_col <= len(values):
                entry[1] = values[min_col - 1]
            if entry[1] is None:
                continue
            if len(values) < max_col:
                values.extend([None] * (max_col - len(values)))
            for column in range(min_col, max_col + 1):
                if values[column - 1] is None:
                    values[column - 1] = entry[1]
        return values


def _merges(sheet) -> list[tuple[int, int, int, int]]:
    """Every merged range of the sheet, from a byte scan of its XML (no parsing, a chunk at a time)."""
    found, tail = [], b""
    with sheet._get_source() as source:
        while chunk := source.read(_SCAN):
            data = tail + chunk
            found.extend(match.group(1) for match in _MERGE.finditer(data))
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
    return [range_boundaries(ref.decode()) for ref in dict.fromkeys(found)]


def _refuse_bombs(upload: IO[bytes]) -> None:
    """Refuse a workbook whose parts unpack to more than IMPORT_MAX_UNZIPPED_MB, or any large part
    that unpacks to over MAX_RATIO times its packed size, before any XML is parsed. The sizes are
    those the archive declares; zipfile never inflates a part past its declared size (a lying
    header only truncates the part, which then fails its CRC)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook.")) from exc
    finally:
        upload.seek(0)
    unpacked = sum(part.file_size for part in parts)
    inflated = any(part.file_size > max(RATIO_FLOOR, MAX_RATIO * part.compress_size) for part in parts)
    if inflated or unpacked > current_app.config["IMPORT_MAX_UNZIPPED_MB"] * 1024 * 1024:
        raise UnreadableFile(
            _(
                "The workbook is too large once unpacked (%(size)d MB); nothing was read. "
                "Split it, or save it as CSV UTF-8.",
                size=unpacked // (1024 * 1024),
            )
        )
