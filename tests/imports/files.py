"""The files offices really send, made here: CSV as Excel writes it on Chinese Windows, workbooks
with titles, merged cells, two-row headers, hidden rows and totals, and a password-protected one."""

from __future__ import annotations

import io
import struct

from openpyxl import Workbook


def csv_file(rows, encoding="utf-8", delimiter=",") -> bytes:
    """Excel's "CSV" on Chinese Windows is GBK (encoding="gbk"); "CSV UTF-8" adds a BOM (utf-8-sig)."""
    return ("\r\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\r\n").encode(encoding)


def workbook(rows, merges=(), hidden=()) -> bytes:
    """A workbook laid out as `rows` (None: an empty cell), `merges` as "A2:A5" and `hidden` row
    numbers as Excel hides them. A merged range keeps only its first cell's value, as Excel does."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def password_protected_workbook() -> bytes:
    """What Excel saves for a workbook with a password: not a zip but an OLE compound file whose
    directory holds the streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO). Header and
    directory are laid out as in such a file; the encrypted bytes are noise."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)  # minor, major version, byte order, 2^9
    struct.pack_into("<H", header, 32, 6)  # mini sector shift
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 0x1000)  # FAT sectors, first directory sector…

    def entry(name: str, kind: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
        struct.pack_into("<Q", raw, 120, size)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, 0)
        + entry("EncryptionInfo", 2, 248)
        + entry("EncryptedPackage", 2, 4096)
        + entry("\x06DataSpaces", 1, 0)
    )
    return bytes(header) + bytes(sector) + directory + bytes(range(256)) * 16
