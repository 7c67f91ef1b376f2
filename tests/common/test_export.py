"""The spreadsheet writers: formula neutralising (CWE-1236), CSV and XLSX output."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pm_app.common.cells import area, count, day, moment, money, percent
from pm_app.common.export import MAX_WIDTH, neutralise, write_csv, write_xlsx


@pytest.mark.parametrize(
    "dangerous", ["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\0x", '=HYPERLINK("http://evil")']
)
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    "dangerous", [" =1+1", "\u3000=1+1", "\n=1+1", "\r\n@SUM(A1)", "＝1+1", "＋1", "－1", "﹦1", " \t -2+3"]
)
def test_a_formula_behind_white_space_or_in_full_width_is_neutralised_too(dangerous):
    """Spreadsheets skip leading blanks and a Chinese input method types ＝: both still start a formula."""
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("safe", ["东门新村", "GL-0001", "a=b", "'already", "", "1号楼 =", "甲物业;乙"])
def test_ordinary_text_is_left_alone(safe):
    assert neutralise(safe) == safe


@pytest.mark.parametrize("number", [-5, 0, 12, None])
def test_numbers_and_none_are_not_turned_into_text(number):
    assert neutralise(number) == number


def test_csv_starts_with_a_bom_and_neutralises_headers_and_cells():
    text = b"".join(write_csv([["=cmd()", 3, None]], ["-h", "n", "empty"])).decode()
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["'-h", "n", "empty"], ["'=cmd()", "3", ""]]


def test_every_row_is_read_before_the_first_byte_goes_out():
    """The rows are read while the request (and its database session) is still open; only the
    written file's bytes are streamed after the view returns."""
    read = []

    def rows():
        for name in ("a", "b"):
            read.append(name)
            yield [name]

    for write in (write_csv, write_xlsx):
        read.clear()
        pieces = write(rows(), ["h"])
        assert read == ["a", "b"]
        assert b"".join(pieces)


def test_a_semicolon_cannot_split_a_cell_into_a_formula():
    """A spreadsheet whose list separator is `;` would read `a;=1+1` as two cells, the second a
    formula: a cell with a `;` is quoted, so it stays whole."""
    text = b"".join(write_csv([["a;=1+1", 7, "GL-0001", 'say "hi", then\nleave']], ["h", "n", "c", "q"]))
    assert text.decode().lstrip("\ufeff").split("\r\n")[1] == '"a;=1+1",7,GL-0001,"say ""hi"", then\nleave"'


def test_xlsx_keeps_formula_text_as_text_and_numbers_as_numbers():
    data = b"".join(write_xlsx([["=cmd()", 42]], ["name", "count"]))
    sheet = load_workbook(io.BytesIO(data)).active
    name, count = sheet["A3"], sheet["B3"]  # row 1 the title, row 2 the header
    assert name.value == "'=cmd()" and name.data_type == "s"
    assert count.value == 42 and count.data_type == "n"


@pytest.mark.parametrize("dangerous", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_every_formula_prefix_is_neutralised_in_both_formats(dangerous):
    """Each prefix a spreadsheet evaluates, through each writer, in a cell and in a header."""
    text = b"".join(write_csv([[dangerous]], [dangerous])).decode().lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["'" + dangerous], ["'" + dangerous]]
    sheet = load_workbook(io.BytesIO(b"".join(write_xlsx([[dangerous]], [dangerous])))).active
    # XML reads a stored CR back as LF; what matters is the apostrophe in front.
    assert sheet["A2"].value == sheet["A3"].value == "'" + dangerous.replace("\r", "\n")
    assert sheet["A3"].data_type == "s"


def _typed_row():
    paid_at = datetime(2026, 3, 1, 1, 30, 5, tzinfo=UTC)  # 09:30 in Beijing
    return [
        "东门新村",
        money(123450),
        money(-3000),
        percent(Decimal("0.8125"), "81.3 %"),
        percent(None, "—"),
        day(date(2026, 3, 31)),
        moment(paid_at),
        moment(paid_at, seconds=True),
        count(7),
        area(123456),
        money(None),
    ]


def test_typed_cells_write_their_old_text_to_the_csv():
    """The CSV is what it was when the getters returned text: "1234.50", not 1,234.50 or 1234.5."""
    text = b"".join(write_csv([_typed_row()], list("abcdefghijk"), title="账单", scope="全市")).decode()
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == list("abcdefghijk")  # no title row in a CSV
    assert lines[1] == [
        "东门新村",
        "1234.50",
        "-30.00",
        "81.3 %",
        "—",
        "2026-03-31",
        "2026-03-01 09:30",
        "2026-03-01 09:30:05",
        "7",
        "1234.56",
        "",
    ]


def test_typed_cells_are_numbers_percentages_and_dates_in_the_xlsx():
    data = b"".join(write_xlsx([_typed_row()], list("abcdefghijk"), title="账单", scope="全市"))
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {c.column_letter: c for c in sheet[3]}
    assert cells["A"].value == "东门新村" and cells["A"].data_type == "s"
    assert (cells["B"].value, cells["B"].number_format) == (1234.5, "#,##0.00")
    assert cells["C"].value == -30 and cells["C"].data_type == "n"  # a number, not the defused text "'-30.00"
    assert (cells["D"].value, cells["D"].number_format) == (0.8125, "0.0%")
    assert cells["E"].value == "—"
    assert cells["F"].is_date and cells["F"].value == datetime(2026, 3, 31) and cells["F"].number_format == "yyyy-mm-dd"
    assert cells["G"].value == datetime(2026, 3, 1, 9, 30) and cells["G"].number_format == "yyyy-mm-dd hh:mm"
    assert cells["H"].value == datetime(2026, 3, 1, 9, 30, 5)  # Beijing wall-clock time
    assert cells["I"].value == 7 and cells["I"].data_type == "n"
    assert cells["J"].value == 1234.56 and cells["J"].number_format == "#,##0.00"
    assert cells["K"].value is None


def test_the_xlsx_has_a_title_row_a_frozen_header_widths_and_a_named_sheet():
    rows = [["甲" * 80, 1]] + [["x", 2]] * 300 + [["乙" * 200, 3]]  # the last is past the rows measured
    data = b"".join(
        write_xlsx(iter(rows), ["名称", "n"], title="质保项目/到期", scope="东城街道", as_of=date(2026, 6, 30))
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "质保项目 到期"  # "/" is not allowed in a sheet name
    assert sheet["A1"].value == "质保项目/到期 · 东城街道 · as of 2026-06-30 (Beijing time)"
    assert sheet["A1"].font.b and sheet["A2"].font.b
    assert [c.value for c in sheet[2]] == ["名称", "n"]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == MAX_WIDTH  # 160 columns of CJK, capped
    assert 6 <= sheet.column_dimensions["B"].width < 10
    assert sheet.max_row == 2 + len(rows) and sheet.cell(sheet.max_row, 3 - 1).value == 3


def test_an_export_without_a_title_still_gets_a_title_row():
    sheet = load_workbook(io.BytesIO(b"".join(write_xlsx([[1]], ["n"])))).active
    assert sheet.title == "Export" and sheet["A1"].value.startswith("Export · as of ")
