"""The malformed files of test_import_corpus.py: each builds itself from an endpoint's header and
one valid row, so every endpoint gets the same kinds of damage."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from openpyxl import Workbook

HUGE_CELL = "屋" * (1024 * 1024 // 3)  # 1 MB of UTF-8
BOMB_SPACES = 100 * 1024 * 1024  # inflated size of the zip bomb's sheet (about 100 KB deflated)


def csv(header, rows, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, replace: dict[str, Callable]) -> bytes:
    """The workbook with some of its parts rewritten (name → function of the old bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename in replace:
                replace[item.filename](target, item.filename, data)
            else:
                target.writestr(item, data)
    return out.getvalue()


def xml_bomb(header, row) -> bytes:
    """Billion laughs in sharedStrings.xml (ten levels of ten entities: 10^10 characters), which
    the header's first cell refers to. openpyxl writes inline strings, so the part is added."""
    levels = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(levels)}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&l9;</t></si></sst>"
    ).encode()
    first = f'<c r="A1" t="inlineStr"><is><t>{header[0]}</t></is></c>'.encode()
    shared = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )

    def sheet(zf, name, old):
        zf.writestr(name, old.replace(first, b'<c r="A1" t="s"><v>0</v></c>'))

    def types(zf, name, old):
        zf.writestr(name, old.replace(b"</Types>", shared))
        zf.writestr("xl/sharedStrings.xml", bomb)

    return _rezip(xlsx(header, [row]), {"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": types})


@cache
def _zip_bomb() -> bytes:
    """The sheet's XML padded with 100 MB of spaces after the header (valid XML, 1000:1 deflated).
    One bomb for every endpoint: it is refused before its header is read, and takes seconds to make."""

    def padded(zf, name, old: bytes):
        head, tail = old.split(b"</row>", 1)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as part:
            part.write(head + b"</row>")
            chunk = b" " * (1024 * 1024)
            for _ in range(BOMB_SPACES // len(chunk)):
                part.write(chunk)
            part.write(tail)

    return _rezip(xlsx(("building", "unit"), [("1号楼", "1-101")]), {"xl/worksheets/sheet1.xml": padded})


def zip_bomb(_header, _row) -> bytes:
    return _zip_bomb()


def formula_xlsx(header, row) -> bytes:
    """Every cell but the first a formula. Formulas count by the value a spreadsheet last
    calculated, and a workbook no spreadsheet has opened has none: the cells read as blank."""
    return xlsx(header, [[row[0], *(f'=CONCAT("{value}")' for value in row[1:])]])


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: Callable
    expect: str  # words the report must contain
    status: int = 422


CASES = [
    Case(
        "png named .xlsx",
        "households.xlsx",
        lambda h, r: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(400),
        "neither CSV UTF-8 nor an XLSX",
    ),
    Case(
        "text named .xlsx",
        "households.xlsx",
        lambda h, r: b"Dear colleague,\nthe list follows next week.\n",
        "unknown column",
    ),
    Case("xml bomb in sharedStrings", "bomb.xlsx", xml_bomb, "XLSX"),
    Case("zip bomb (100 MB sheet)", "bomb.xlsx", zip_bomb, "too large once unpacked"),
    # A whole GBK file is read now (tests/imports); one that breaks off inside a character is not.
    Case("GBK CSV cut mid-character", "gbk.csv", lambda h, r: csv(h, [r], "gbk") + b"\x81", "not UTF-8"),
    Case("invalid UTF-8", "bad.csv", lambda h, r: csv(h, [r])[:-2] + b"\xc3\x28\r\n", "not UTF-8"),
    Case("UTF-16 with BOM", "u16.csv", lambda h, r: csv(h, [r], "utf-16"), "neither CSV UTF-8 nor an XLSX"),
    Case("two UTF-8 BOMs", "bom.csv", lambda h, r: b"\xef\xbb\xbf" + csv(h, [r], "utf-8-sig"), "unknown column"),
    Case("row with too many cells", "ragged.csv", lambda h, r: csv(h, [(*r, "x", "y")]), "cells but the header has"),
    Case("row with too few cells", "ragged.csv", lambda h, r: csv(h, [r[:1]]), "missing"),
    Case("1 MB cell, CSV", "huge.csv", lambda h, r: csv(h, [(HUGE_CELL, *r[1:])]), "longer than"),
    Case("1 MB cell, XLSX", "huge.xlsx", lambda h, r: xlsx(h, [(HUGE_CELL, *r[1:])]), "longer than 1000"),
    Case("formula cells, XLSX", "formulas.xlsx", formula_xlsx, "missing"),
    Case("formula in a number, CSV", "formulas.csv", lambda h, r: csv(h, [(*r[:-1], "=1+1")]), "not a number"),
    Case("empty file", "empty.csv", lambda h, r: b"", "empty"),
    Case("header only", "header.csv", lambda h, r: csv(h, []), "header but no"),
]
