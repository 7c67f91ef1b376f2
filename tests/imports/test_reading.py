"""Files as offices have them: Excel's plain CSV on Chinese Windows (GBK), names only GB18030 can
write, other delimiters, merged and hidden rows, a password-protected workbook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.org.models import Building, Household
from tests.imports.corpus import Refused, city, officer, run  # noqa: F401  (fixtures)
from tests.imports.files import csv_file, password_protected_workbook, workbook

HEADER = ("楼栋", "单元/房号", "建筑面积", "业主姓名", "业主电话")


def household(building: str, unit: str) -> Household | None:
    return db.session.scalar(select(Household).join(Building).where(Building.name == building, Household.unit == unit))


def test_excels_plain_csv_in_gbk_is_read(city, officer):
    content = csv_file([HEADER, ("9号楼", "1-101", "86.40", "张伟", "13812345678")], encoding="gbk")
    result = run("households", officer, city.compound, content)
    assert result["imported"] == 1
    assert household("9号楼", "1-101").owner_name == "张伟"


def test_a_name_only_gb18030_can_write_is_read_whole(city, officer):
    with pytest.raises(UnicodeEncodeError):
        "王䶮".encode("gbk")  # the rare character is outside GBK: the file must be GB18030 proper
    content = csv_file([HEADER, ("9号楼", "1-102", "70", "王䶮", "")], encoding="gb18030")
    assert run("households", officer, city.compound, content)["imported"] == 1
    assert household("9号楼", "1-102").owner_name == "王䶮"


@pytest.mark.parametrize("delimiter", ["\t", ";"], ids=["tab", "semicolon"])
def test_tab_and_semicolon_separated_files_are_read(city, officer, delimiter):
    content = csv_file([HEADER, ("9号楼", "2-201", "66.5", "李娜", "")], delimiter=delimiter)
    assert run("households", officer, city.compound, content)["imported"] == 1
    assert household("9号楼", "2-201").floor_area_dm2 == 6650


def test_a_building_merged_down_its_rows_fills_every_row(city, officer):
    rows = [
        HEADER,
        ("5号楼", "1-101", 80, None, None),
        (None, "1-102", 80, None, None),
        (None, "1-201", 80, None, None),
        (None, "1-202", 80, None, None),
    ]
    result = run("households", officer, city.compound, workbook(rows, merges=["A2:A5"]))
    assert result["imported"] == 4 and result["buildings_created"] == 1
    assert all(household("5号楼", unit) for unit in ("1-101", "1-102", "1-201", "1-202"))


def test_hidden_rows_are_skipped_and_reported(city, officer):
    rows = [
        HEADER,
        ("6号楼", "1-101", 80, None, None),
        ("6号楼", "1-102", 80, "已搬走", None),
        ("6号楼", "1-201", 80, None, None),
    ]
    result = run("households", officer, city.compound, workbook(rows, hidden=[3]))
    assert result["imported"] == 2
    assert result["skipped"]["hidden"] == 1 and result["hidden_rows"] == [3]
    assert household("6号楼", "1-102") is None


def test_hidden_rows_are_imported_when_asked(city, officer):
    rows = [HEADER, ("6号楼", "1-101", 80, None, None), ("6号楼", "1-102", 80, None, None)]
    result = run("households", officer, city.compound, workbook(rows, hidden=[3]), include_hidden=True)
    assert result["imported"] == 2 and result["skipped"]["hidden"] == 0
    assert household("6号楼", "1-102") is not None


def test_a_password_protected_workbook_says_so(city, officer):
    with pytest.raises(Refused) as refused:
        run("households", officer, city.compound, password_protected_workbook())
    assert refused.value.errors == {
        "file": [
            "The workbook is protected with a password: open it in Excel, remove the password "
            "(File → Info → Protect Workbook), save it and upload it again."
        ]
    }
