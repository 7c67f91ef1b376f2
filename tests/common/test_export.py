"""The spreadsheet writers: formula neutralising (CWE-1236), CSV and XLSX output."""
import csv
import io

import pytest
from openpyxl import load_workbook

from pm_app.common.export import neutralise, write_csv, write_xlsx


@pytest.mark.parametrize("dangerous", ["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\0x",
                                       "=HYPERLINK(\"http://evil\")"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("dangerous", [" =1+1", "\u3000=1+1", "\n=1+1", "\r\n@SUM(A1)", "＝1+1", "＋1", "－1", "﹦1",
                                       " \t -2+3"])
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
    name, count = sheet["A2"], sheet["B2"]
    assert name.value == "'=cmd()" and name.data_type == "s"
    assert count.value == 42 and count.data_type == "n"


@pytest.mark.parametrize("dangerous", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_every_formula_prefix_is_neutralised_in_both_formats(dangerous):
    """Each prefix a spreadsheet evaluates, through each writer, in a cell and in a header."""
    text = b"".join(write_csv([[dangerous]], [dangerous])).decode().lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["'" + dangerous], ["'" + dangerous]]
    sheet = load_workbook(io.BytesIO(b"".join(write_xlsx([[dangerous]], [dangerous])))).active
    # XML reads a stored CR back as LF; what matters is the apostrophe in front.
    assert sheet["A1"].value == sheet["A2"].value == "'" + dangerous.replace("\r", "\n")
    assert sheet["A2"].data_type == "s"
