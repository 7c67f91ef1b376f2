"""Imports on the pages in a real Chromium, in Chinese (issue 28): the street office uploads a
household register as offices have them (a title row, source-system columns, a hidden row of a
household that moved out), reads the preview, ticks nothing, confirms, and follows the job's bar
to its result; a firm's clerk uploads a fee ledger with a row of a flat the compound does not
have and reads which row to correct."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from pm_app.auth.models import User
from pm_app.extensions import db
from pm_app.org.models import Compound, ServiceContract
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def _register(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["幸福里小区住户登记表（2024年）"])
    sheet.append(["序号", "楼栋", "单元/房号", "建筑面积(㎡)", "业主姓名", "业主电话", "身份证号"])
    for i in range(1, 31):
        sheet.append([i, "９号楼", f"{i // 10 + 1}-{i:02d}", 86.4 + i, f"业主{i}", f"1381234{i:04d}", "3501**********"])
    sheet.row_dimensions[5].hidden = True  # a household that moved out
    book.save(path)


def _one(app, query):
    with app.app_context():
        return db.session.scalar(query)


def test_a_street_office_previews_confirms_and_reads_the_result(tab, server, artefacts, monkeypatch, tmp_path):
    monkeypatch.setitem(server.app.config, "JOBS_MODE", "thread")  # as `pm-app demo` runs it
    officer = _one(server.app, select(User).where(User.username == "street"))
    with server.app.app_context():
        streets = db.session.get(User, officer.id).street_ids
        compound_id = db.session.scalar(
            select(Compound.id).where(Compound.street_id.in_(streets)).order_by(Compound.id)
        )
    path = tmp_path / "幸福里住户登记表.xlsx"
    _register(path)
    page = tab.page
    sign_in(page, "street")
    page.goto(f"/compounds/{compound_id}/import")
    assert "导入隐藏行" in page.inner_text("#upload-form")
    page.set_input_files('input[name="file"]', str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    page.screenshot(path=str(artefacts / "import-preview-street.png"), full_page=True)
    columns = page.inner_text("#preview-columns")
    assert "建筑面积" in columns and "序号" in columns and "身份证号" in columns
    assert "9号楼" in page.inner_text("#preview-rows")  # the full-width ９ read as 9
    assert "隐藏行" in page.inner_text("#preview-skipped")
    page.click('#confirm-form button[value="confirm"]')
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector("#import-result", timeout=60_000)
    assert page.inner_text("#job-state") == "已完成"
    totals = page.inner_text("#import-totals")
    assert "导入行数：29" in totals, totals
    assert "跳过的隐藏行：1" in page.inner_text("#import-skipped")
    page.screenshot(path=str(artefacts / "import-job-street.png"), full_page=True)
    page.reload()
    assert page.inner_text("#job-state") == "已完成"
    assert tab.problems == []


def test_a_firm_clerk_reads_which_ledger_row_to_correct(tab, server, artefacts, monkeypatch, tmp_path):
    monkeypatch.setitem(server.app.config, "JOBS_MODE", "thread")
    firm = _one(server.app, select(User).where(User.username == "firm"))
    compound_id = _one(
        server.app,
        select(ServiceContract.compound_id)
        .where(ServiceContract.firm_id == firm.firm_id)
        .order_by(ServiceContract.end_date.desc()),
    )
    ledger = "楼栋,单元/房号,账期,应收金额(元),实收金额(元),缴费时间,缴费方式\n99号楼,9-909,2024-03,71.60,71.60,2024-03-05 10:30,微信\n"
    path = tmp_path / "收费台账.csv"
    path.write_bytes(ledger.encode("gb18030"))
    page = tab.page
    sign_in(page, "firm")
    page.goto(f"/compounds/{compound_id}/fees/import")
    page.set_input_files('input[name="file"]', str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    page.screenshot(path=str(artefacts / "import-preview-firm.png"), full_page=True)
    page.click('#confirm-form button[value="confirm"]')
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector("#import-errors", timeout=60_000)
    assert page.inner_text("#job-state") == "失败"
    assert "99号楼" in page.inner_text("#problems-table")
    page.screenshot(path=str(artefacts / "import-job-firm.png"), full_page=True)
    assert [p for p in tab.problems if "/jobs/" not in p] == []
