"""Reading an uploaded file line by line, whatever it is, without holding it whole.

Lines come out numbered as a spreadsheet shows them (the first is 1), so a problem points at the
row a person sees. The format is recognised from the content, never the file name: browsers and
scripts send unreliable names. CSV is UTF-8 (with or without BOM) or GB18030, the superset of GBK
that Excel's plain "CSV" writes on Chinese Windows (王䶮 needs GB18030 proper); its delimiter is a
comma, a tab or a semicolon, whichever the first lines use most. XLSX is `workbook`'s.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _

ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls, and a password-protected .xlsx
SNIFF_BYTES = 4096
DECODE_CHUNK = 1 << 20
ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order: a GBK file is almost never valid UTF-8
DELIMITERS = ",\t;"
# No column takes more than 256 characters. A longer cell means a wrong file, and quoting it in
# the row's messages would make the report as large as the file.
MAX_CELL = 1000


class UnreadableFile(Exception):
    """The upload is neither CSV text nor XLSX, or breaks part way through."""


@dataclass(slots=True)
class Line:
    number: int
    cells: list
    hidden: bool = False


class Sheet:
    """The lines of one upload, and roughly how many there are (for progress bars)."""

    def __init__(self, lines: Iterator[Line], total: int, closer=None):
        self.lines = lines
        self.total = total
        self.closer = closer  # what to close even if no line was read (a generator never started has no finally)

    def __iter__(self):
        return self.lines

    def close(self) -> None:
        self.lines.close()
        if self.closer is not None:
            self.closer()


def open_sheet(upload: IO[bytes]) -> Sheet:
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        raise UnreadableFile(_("The file is empty."))
    if head.startswith(OLE_MAGIC):
        from pm_app.common.imports.workbook import refuse_ole

        refuse_ole(upload)
    if b"\0" in head and not head.startswith(ZIP_MAGIC):  # text never holds NUL; images, PDFs and UTF-16 do
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook."))
    if head.startswith(ZIP_MAGIC):
        from pm_app.common.imports.workbook import xlsx_sheet

        sheet = xlsx_sheet(upload)
    else:
        encoding, total = _encoding(upload)
        sheet = Sheet(_csv_lines(upload, encoding), total)
    return Sheet(_bounded(sheet.lines), sheet.total, sheet.closer)


def _bounded(lines: Iterator[Line]) -> Iterator[Line]:
    try:
        for line in lines:
            if any(isinstance(value, str) and len(value) > MAX_CELL for value in line.cells):
                raise UnreadableFile(
                    _(
                        "Row %(row)d has a cell longer than %(max)d characters; nothing was read.",
                        row=line.number,
                        max=MAX_CELL,
                    )
                )
            yield line
    finally:
        lines.close()


def _encoding(upload: IO[bytes]) -> tuple[str, int]:
    """The first of ENCODINGS the whole file decodes in, and its number of lines. One pass each,
    a chunk at a time: deciding before the first row is read keeps a GBK file from being half
    read as UTF-8 (and half written) before its first Chinese character fails."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            while chunk := upload.read(DECODE_CHUNK):
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
            return encoding, lines
        except UnicodeDecodeError:
            continue
        finally:
            upload.seek(0)
    raise UnreadableFile(_('The file is not UTF-8 or GBK text: in Excel choose "CSV UTF-8" or save as .xlsx.'))


def _delimiter(sample: str) -> str:
    counts = {delimiter: sample.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_lines(upload: IO[bytes], encoding: str) -> Iterator[Line]:
    text = io.TextIOWrapper(upload, encoding=encoding, newline="")
    try:
        sample = text.read(SNIFF_BYTES)
        text.seek(0)
        for number, cells in enumerate(csv.reader(text, delimiter=_delimiter(sample)), start=1):
            yield Line(number, cells)
    except UnicodeDecodeError as exc:  # decoded once already; only a file changed meanwhile gets here
        raise UnreadableFile(
            _('The file is not UTF-8 or GBK text: in Excel choose "CSV UTF-8" or save as .xlsx.')
        ) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(
                _("A cell is longer than %(max)d characters; nothing was read.", max=csv.field_size_limit())
            ) from exc
        raise UnreadableFile(_("The file is neither CSV UTF-8 nor an XLSX workbook.")) from exc
    finally:
        text.detach()  # the upload belongs to the request; closing it is not ours to do
