"""How many rows an uploaded file has, roughly and cheaply, before it is read: whether the API
imports it in the request or as a job (IMPORT_INLINE_ROWS), and the progress bar's first total.
Never a reason to refuse a file: the import's own reader decides that."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"')
UNKNOWN_BYTES_PER_ROW = 60


def estimate_rows(data: bytes) -> int:
    if data.startswith(ZIP_MAGIC):
        try:
            return _xlsx_rows(data)
        except (zipfile.BadZipFile, zlib.error, OSError, KeyError, ValueError):
            return len(data) // UNKNOWN_BYTES_PER_ROW
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _xlsx_rows(data: bytes) -> int:
    """The largest worksheet's rows: its recorded size when Excel wrote one, else its <row> tags
    counted while inflating (bounded: a sheet past 64 MB unpacked counts as what was seen)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            info
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        ]
        if not sheets:
            return 0
        sheet = max(sheets, key=lambda info: info.file_size)
        rows, seen, tail = 0, 0, b""
        with archive.open(sheet) as part:
            while chunk := part.read(CHUNK):
                if seen == 0 and (size := DIMENSION.search(chunk[:4096])):
                    return int(size.group(1))
                window = tail + chunk
                rows += window.count(b"<row ") + window.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
                tail, seen = window[-5:], seen + len(chunk)
                if seen > 64 * CHUNK:
                    break
        return rows
