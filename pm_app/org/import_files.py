"""Reading an uploaded household file row by row, whatever its format, without holding it whole.

Rows come out as (row number, cell values), numbered as a spreadsheet shows them (the first
row is 1), so an error can point at the row a person sees when they open the file. The format
is recognised from the content, not the file name: browsers and scripts send unreliable names
and content types.
"""
from __future__ import annotations

import csv
import io
from contextlib import closing
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO
from xml.etree.ElementTree import ParseError

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

Row = tuple[int, Sequence]

ZIP_MAGIC = b"PK\x03\x04"           # XLSX is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"     # the old binary .xls
SNIFF_BYTES = 4096
# Real sheets deflate 5–20 to 1; a zip bomb, 1000 to 1. Parts under RATIO_FLOOR (styles, themes)
# may compress better and are too small to matter.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
# No column takes more than 256 characters. A longer cell means a wrong file, and quoting it in
# the row's messages would make the report as large as the file.
MAX_CELL = 1000


class UnreadableFile(Exception):
    """The upload is neither CSV UTF-8 nor XLSX, or breaks part way through."""


def read_rows(upload: IO[bytes]) -> Iterator[Row]:
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        raise UnreadableFile(_("The file is empty."))
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(_("This is an old .xls workbook: save it as .xlsx or as CSV UTF-8."))
    if b"\0" in head and not head.startswith(ZIP_MAGIC):  # text never holds NUL; images, PDFs and UTF-16 do
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook."))
    rows = _xlsx_rows(upload) if head.startswith(ZIP_MAGIC) else _csv_rows(upload)
    with closing(rows):
        for number, values in rows:
            if any(isinstance(value, str) and len(value) > MAX_CELL for value in values):
                raise UnreadableFile(_("Row %(row)d has a cell longer than %(max)d characters; nothing was read.",
                                       row=number, max=MAX_CELL))
            yield number, values


def _xlsx_rows(upload: IO[bytes]) -> Iterator[Row]:
    _refuse_bombs(upload)
    # read_only streams the sheet's XML; values_only skips building a cell object per value.
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError) as exc:
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook.")) from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        # Some writers record a wrong sheet size (often "A1"); read the rows that are there.
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except (zipfile.BadZipFile, KeyError, ValueError, ParseError) as exc:
        raise UnreadableFile(_("The workbook is damaged and could not be read to the end.")) from exc
    finally:
        workbook.close()


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
        raise UnreadableFile(_("The workbook is too large once unpacked (%(size)d MB); nothing was read. "
                               "Split it, or save it as CSV UTF-8.", size=unpacked // (1024 * 1024)))


def _csv_rows(upload: IO[bytes]) -> Iterator[Row]:
    # utf-8-sig drops the BOM that Excel's "CSV UTF-8" writes and reads plain UTF-8 unchanged.
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        yield from enumerate(csv.reader(text), start=1)
    except UnicodeDecodeError as exc:
        # Excel's plain "CSV" is GBK on Chinese Windows: the commonest way to get here.
        raise UnreadableFile(_("The file is not UTF-8 text: in Excel choose \"CSV UTF-8\" or save as .xlsx.")) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(_("A cell is longer than %(max)d characters; nothing was read.",
                                   max=csv.field_size_limit())) from exc
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook.")) from exc
    finally:
        text.detach()  # the upload belongs to the request; closing it is not ours to do
