"""The bill import: a file of past bills and payments goes in whole or not at all, every bad row is
named by the row number a person sees, and the same file imported again adds nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees import import_book
from pm_app.fees.models import Bill, BillStatus, Payment, PaymentMethod
from pm_app.fees.payments import check_totals
from tests import helpers
from tests.factories import HouseholdFactory
from tests.import_jobs.conftest import confirm, preview_url

URL = "/api/v1/imports/bills?lang=en"  # problems are English msgids; pin the language
HEADER = ("building", "unit", "period", "amount_due", "due_date", "amount_paid", "paid_at", "method")
CHINESE = ("楼栋", "单元/房号", "账期", "应收金额(元)", "到期日", "实收金额", "缴费时间", "缴费方式")


def csv_bytes(rows, header=HEADER) -> bytes:
    return helpers.csv_bytes(rows, header)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    return helpers.xlsx_bytes(rows, header)


def upload(api, user, compound, content: bytes, name="bills.csv"):
    return api.as_(user).post(
        URL,
        data={"compound_id": str(compound.id), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Bill)),
        db.session.scalar(select(func.count()).select_from(Payment)),
    )


def bill_of(household, period) -> Bill:
    return db.session.scalar(
        select(Bill)
        .where(Bill.household_id == household.id, Bill.period == period)
        .execution_options(populate_existing=True)
    )


@pytest.fixture
def officer(city):
    return city.users["street_officer"]


@pytest.fixture
def units(city):
    """Three more households of 1号楼, beside the city's 1-101."""
    building = city.household.building
    return [city.household] + [HouseholdFactory(building=building, unit=f"1-{n}") for n in (102, 103, 104)]


# A small history: two months of four households, paid in full, in part, in two goes, or not at all.
HISTORY = [
    ("1号楼", "1-101", "2024-03", "71.60", "", "71.60", "2024-03-05 10:30", "wechat"),
    ("1号楼", "1-102", "2024-03", "71.60", "2024-04-15", "30", "2024-03-20", "现金"),
    ("1号楼", "1-103", "2024-03", "71.60", "", "40.00", "2024/3/6", "alipay"),
    ("1号楼", "1-103", "2024-03", "71.60", "", "31.60", "2024-04-01 09:00:00", "alipay"),
    ("1号楼", "1-104", "2024-03", "71.60", "", "", "", ""),
    ("1号楼", "1-101", "2024-04", "71.60", "", "0.00", "", ""),
]


# --- files that go in ------------------------------------------------------------------------


def test_a_csv_of_bills_and_payments_imports_every_row(api, city, officer, units):
    response = upload(api, officer, city.compound, csv_bytes(HISTORY))
    assert response.status_code == 201, response.json
    assert response.json == {
        "compound_id": city.compound.id,
        "rows": 6,
        "bills_created": 5,
        "bills_existing": 0,
        "payments_created": 4,
        "payments_existing": 0,
        "skipped": {"empty": 0, "totals": 0, "hidden": 0},
        "hidden_rows": [],
        "ignored_columns": [],
    }
    paid, partial, twice, unpaid = (bill_of(h, "2024-03") for h in units)
    assert (paid.amount_due_fen, paid.paid_fen, paid.status) == (7160, 7160, BillStatus.paid)
    assert (partial.paid_fen, partial.status, partial.due_date) == (3000, BillStatus.partial, date(2024, 4, 15))
    assert (twice.paid_fen, twice.status) == (7160, BillStatus.paid)
    assert (unpaid.paid_fen, unpaid.status) == (0, BillStatus.unpaid)
    # The contract billing the month, and the configured due date (the month's last day).
    assert (paid.firm_id, paid.contract_id, paid.source) == (city.firm.id, city.contract.id, "imported")
    assert paid.due_date == date(2024, 3, 31)
    payment = db.session.scalar(select(Payment).where(Payment.bill_id == paid.id))
    assert payment.method == PaymentMethod.wechat and payment.recorded_by_id == officer.id
    assert payment.paid_at == datetime(2024, 3, 5, 2, 30, tzinfo=UTC)  # 10:30 in the city
    assert payment.idempotency_key == f"import:{units[0].id}:2024-03:2024-03-05T02:30:00+00:00:7160"
    assert db.session.scalar(select(Payment.method).where(Payment.bill_id == partial.id)) == PaymentMethod.cash
    assert check_totals() == []


def test_importing_the_same_file_again_changes_nothing(api, city, officer, units):
    content = csv_bytes(HISTORY)
    assert upload(api, officer, city.compound, content).status_code == 201
    before = counts(), [(b.id, b.paid_fen, b.status) for b in db.session.scalars(select(Bill).order_by(Bill.id))]
    again = upload(api, officer, city.compound, content)
    assert again.status_code == 201
    assert again.json == {
        "compound_id": city.compound.id,
        "rows": 6,
        "bills_created": 0,
        "bills_existing": 5,
        "payments_created": 0,
        "payments_existing": 4,
        "skipped": {"empty": 0, "totals": 0, "hidden": 0},
        "hidden_rows": [],
        "ignored_columns": [],
    }
    after = (
        counts(),
        [
            (b.id, b.paid_fen, b.status)
            for b in db.session.scalars(select(Bill).order_by(Bill.id).execution_options(populate_existing=True))
        ],
    )
    assert after == before


def test_a_later_file_with_more_payments_adds_only_those(api, city, officer, units):
    assert upload(api, officer, city.compound, csv_bytes(HISTORY[:2])).status_code == 201
    longer = HISTORY[:2] + [("1号楼", "1-102", "2024-03", "71.60", "", "41.60", "2024-05-02", "cash")]
    response = upload(api, officer, city.compound, csv_bytes(longer))
    assert response.json["payments_created"] == 1 and response.json["payments_existing"] == 2
    assert bill_of(units[1], "2024-03").status == BillStatus.paid


def test_bills_generated_before_count_as_existing_and_take_the_payments(api, city, officer, units):
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2024-03"})
    generated = bill_of(units[0], "2024-03")
    row = ("1号楼", "1-101", "2024-03", "73.44", "", "73.44", "2024-03-05", "cash")  # 86.40 m² × 0.85
    response = upload(api, officer, city.compound, csv_bytes([row]))
    assert response.status_code == 201, response.json
    assert (response.json["bills_created"], response.json["bills_existing"]) == (0, 1)
    assert bill_of(units[0], "2024-03").id == generated.id and bill_of(units[0], "2024-03").status == BillStatus.paid


def test_a_bill_paid_across_chunks_and_imports_keeps_its_totals_true(api, city, officer, units, monkeypatch):
    monkeypatch.setattr(import_book, "CHUNK", 2)  # each bill's rows fall into different chunks
    rows = [("1号楼", "1-101", "2024-05", "90", "", "10", f"2024-05-0{day}", "cash") for day in range(1, 6)]
    rows.insert(1, ("1号楼", "1-102", "2024-05", "90", "", "", "", ""))
    assert upload(api, officer, city.compound, csv_bytes(rows[:4])).json["payments_created"] == 3
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert (response.json["payments_created"], response.json["payments_existing"]) == (2, 3)
    bill = bill_of(units[0], "2024-05")
    assert (bill.paid_fen, bill.status) == (5000, BillStatus.partial)
    assert check_totals() == []


def test_the_due_date_follows_the_configured_rule(api, app, city, officer, units, monkeypatch):
    monkeypatch.setitem(app.config, "FEE_DUE_DAY_OF_MONTH", 20)
    monkeypatch.setitem(app.config, "FEE_DUE_MONTHS_AFTER", 1)
    assert upload(api, officer, city.compound, csv_bytes(HISTORY[:2])).status_code == 201
    assert bill_of(units[0], "2024-03").due_date == date(2024, 4, 20)
    assert bill_of(units[1], "2024-03").due_date == date(2024, 4, 15)  # given in the file


def test_an_xlsx_with_number_and_date_cells_is_read_exactly(api, city, officer, units):
    rows = [
        ("1号楼", "1-101", datetime(2024, 3, 1), 71.6, date(2024, 4, 10), 71.6, datetime(2024, 3, 5, 10, 30), "微信"),
        ("1号楼", "1-102", "2024-03", 71.6 + 0.1, None, None, None, None),  # a formula's 71.69999999999999
        ("1号楼", "1-103", "2024-03", 73.44, None, 19.99, "2024-03-05", "POS"),
    ]
    response = upload(api, officer, city.compound, xlsx_bytes(rows), name="bills.xlsx")
    assert response.status_code == 422
    assert response.json["errors"] == {"3": ["amount_due 71.69999999999999 has more than 2 decimal places"]}
    rows[1] = ("1号楼", "1-102", "2024-03", 70, None, 70.0, datetime(2024, 3, 5, 10, 29, 59, 999_999), None)
    response = upload(api, officer, city.compound, xlsx_bytes(rows), name="bills.xlsx")
    assert response.status_code == 201, response.json
    first, second, third = (bill_of(h, "2024-03") for h in units[:3])
    assert (first.amount_due_fen, first.paid_fen, first.due_date) == (7160, 7160, date(2024, 4, 10))
    assert (second.amount_due_fen, second.paid_fen, third.amount_due_fen, third.paid_fen) == (7000, 7000, 7344, 1999)
    # Excel's day fractions come back a microsecond off: the time is rounded to the second.
    assert db.session.scalar(select(Payment.paid_at).where(Payment.bill_id == second.id)) == datetime(
        2024, 3, 5, 2, 30, tzinfo=UTC
    )
    assert db.session.scalar(select(Payment.method).where(Payment.bill_id == third.id)) == PaymentMethod.pos


def test_chinese_headers_are_read_like_english_ones(api, city, officer, units):
    response = upload(api, officer, city.compound, "\ufeff".encode() + csv_bytes(HISTORY, header=CHINESE))
    assert response.status_code == 201 and response.json["bills_created"] == 5


def test_the_example_of_the_docs_imports_as_they_say(api, city, officer, units):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text(encoding="utf-8")
    example = doc.split("## Bills and payments", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    response = upload(api, officer, city.compound, example.encode())
    assert response.status_code == 201, response.json
    assert (response.json["bills_created"], response.json["payments_created"]) == (3, 3)
    assert [bill_of(h, "2024-03").status for h in units[:3]] == [BillStatus.paid, BillStatus.paid, BillStatus.unpaid]


def test_the_payment_columns_may_be_left_out(api, city, officer, units):
    content = "账期,应收金额,楼栋,单元\r\n2024-03,71.6,1号楼,1-101\r\n".encode()
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 201 and response.json["bills_created"] == 1


def test_a_month_without_a_contract_is_imported_without_firm_or_contract(api, city, officer, units):
    response = upload(api, officer, city.compound, csv_bytes([("1号楼", "1-101", "2023-12", "50", "", "", "", "")]))
    assert response.status_code == 201
    bill = bill_of(units[0], "2023-12")
    assert (bill.firm_id, bill.contract_id, bill.due_date) == (None, None, date(2023, 12, 31))


def test_formula_looking_text_is_just_text(api, city, officer):
    HouseholdFactory(building=city.household.building, unit="=1+1")
    rows = [
        ("1号楼", "=1+1", "2024-03", "71.60", "", "", "", ""),
        ('=HYPERLINK("http://x")', "1-101", "2024-03", "=70+1.6", "", "", "", ""),
    ]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    assert response.json["errors"] == {
        "3": [
            '=HYPERLINK("http://x") 1-101 is not a household of this compound',
            'amount_due "=70+1.6" is not a number',
        ]
    }
    response = upload(api, officer, city.compound, csv_bytes(rows[:1]))
    assert response.status_code == 201 and response.json["bills_created"] == 1


# --- files that are refused, whole --------------------------------------------------------------


def test_one_bad_row_after_written_chunks_refuses_the_file_and_writes_nothing(api, city, officer, units, monkeypatch):
    monkeypatch.setattr(import_book, "CHUNK", 10)  # so bills and payments were written before the bad row
    rows = [
        (
            "1号楼",
            f"1-10{1 + i % 4}",
            f"2025-{1 + i // 4:02d}",
            "71.60",
            "",
            "71.60",
            f"2025-{1 + i // 4:02d}-05",
            "cash",
        )
        for i in range(40)
    ]
    rows[37] = rows[37][:3] + ("71.605",) + rows[37][4:]
    before = counts()
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    assert set(response.json) == {"code", "message", "errors"}
    assert response.json["errors"] == {"39": ["amount_due 71.605 has more than 2 decimal places"]}
    assert response.json["message"] == "1 row has problems; nothing was imported."
    assert counts() == before


def test_every_kind_of_bad_row_is_named_with_all_its_problems(api, city, officer, units):
    rows = [
        ("", "1-101", "2024-03", "71.60", "", "", "", ""),  # 2: no building
        ("1号楼", "9-999", "2024-03", "71.60", "", "", "", ""),  # 3: no such household
        ("1号楼", "1-101", "2024-13", "71.60", "", "", "", ""),  # 4: not a month
        ("1号楼", "1-101", "2024-03", "", "", "", "", ""),  # 5: no amount
        ("1号楼", "1-101", "2024-03", "-1", "", "", "", ""),  # 6: not positive
        ("1号楼", "1-101", "2024-03", "1e30", "", "", "", ""),  # 7: absurd
        ("1号楼", "1-101", "2024-03", "71.60", "2024-02-30", "", "", ""),  # 8: no such day
        ("1号楼", "1-101", "2024-03", "71.60", "", "10", "", ""),  # 9: payment without a date
        ("1号楼", "1-101", "2024-03", "71.60", "", "10", "yesterday", ""),  # 10: not a date
        ("1号楼", "1-101", "2024-03", "71.60", "", "10", "2099-01-01", ""),  # 11: in the future
        ("1号楼", "1-101", "2024-03", "71.60", "", "", "2024-03-05", ""),  # 12: a date without an amount
        ("1号楼", "1-101", "2024-03", "71.60", "", "10.001", "2024-03-05", "cheque"),  # 13: two problems
        ("1号楼", "1-101", "2024-03", "71.60", "", "-5", "2024-03-05", ""),  # 14: negative payment
    ]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    assert response.json["errors"] == {
        "2": ["building is missing"],
        "3": ["1号楼 9-999 is not a household of this compound"],
        "4": ['period "2024-13" is not a month written YYYY-MM'],
        "5": ["amount_due is missing"],
        "6": ["amount_due must be greater than 0"],
        "7": ["amount_due 1e30 is larger than 1000000 yuan"],
        "8": ['due_date "2024-02-30" is not a date written YYYY-MM-DD'],
        "9": ["paid_at is missing: a payment needs its date"],
        "10": ['paid_at "yesterday" is not a date written YYYY-MM-DD or YYYY-MM-DD HH:MM'],
        "11": ["paid_at 2099-01-01 is not between 2000-01-01 and now"],
        "12": ["paid_at is given but amount_paid is missing"],
        "13": [
            "amount_paid 10.001 has more than 2 decimal places",
            'method "cheque" is not one of cash, wechat, alipay, bank_transfer, pos, other',
        ],
        "14": ["amount_paid must not be negative"],
    }
    assert response.json["message"] == "13 rows have problems; nothing was imported."
    assert counts() == (0, 0)


def test_a_bill_billed_before_at_another_amount_is_an_error(api, city, officer, units):
    assert upload(api, officer, city.compound, csv_bytes(HISTORY[:1])).status_code == 201
    before = counts()
    row = ("1号楼", "1-101", "2024-03", "80.00", "", "", "", "")
    response = upload(api, officer, city.compound, csv_bytes(HISTORY[4:5] + [row]))
    assert response.status_code == 422
    assert response.json["errors"] == {"3": ["2024-03 is already billed at 71.60"]}
    assert counts() == before


def test_the_same_bill_at_two_amounts_in_one_file_names_the_first_row(api, city, officer, units):
    rows = [HISTORY[0], HISTORY[4], ("1号楼", "1-101", "2024-03", "71.00", "", "", "", "")]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.json["errors"] == {"4": ["amount_due 71.00 differs from 71.60 on row 2 for the same bill"]}


def test_payments_may_not_add_up_to_more_than_is_due(api, city, officer, units):
    rows = [
        ("1号楼", "1-101", "2024-03", "71.60", "", "50", "2024-03-05", "cash"),
        ("1号楼", "1-101", "2024-03", "71.60", "", "30", "2024-03-06", "cash"),
    ]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.status_code == 422
    assert response.json["errors"] == {"3": ["amount_paid 30.00 is more than the 21.60 outstanding on this bill"]}
    assert counts() == (0, 0)


def test_what_was_paid_through_the_api_counts_against_an_imported_payment(api, city, officer, units, pay):
    api.as_(officer).post("/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2024-03"})
    paid = pay(officer, bill_of(units[0], "2024-03").id, "70.00", paid_at="2024-03-04T09:00:00+08:00")
    assert paid.status_code == 201
    row = ("1号楼", "1-101", "2024-03", "73.44", "", "10", "2024-03-05", "cash")
    response = upload(api, officer, city.compound, csv_bytes([row]))
    assert response.json["errors"] == {"2": ["amount_paid 10.00 is more than the 3.44 outstanding on this bill"]}


def test_the_same_payment_twice_in_one_file_is_an_error(api, city, officer, units):
    rows = [HISTORY[2], HISTORY[2]]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert response.json["errors"] == {"3": ["the same payment is also on row 2"]}


def test_a_payment_imported_before_may_not_change_its_method(api, city, officer, units):
    assert upload(api, officer, city.compound, csv_bytes(HISTORY[:1])).status_code == 201
    response = upload(api, officer, city.compound, csv_bytes([HISTORY[0][:7] + ("cash",)]))
    assert response.json["errors"] == {"2": ["this payment was imported before with method wechat"]}


def test_errors_come_in_row_order_whichever_check_found_them(api, city, officer, units):
    rows = [
        HISTORY[0],
        ("1号楼", "1-101", "2024-03", "1", "", "", "", ""),
        ("1号楼", "1-101", "bad", "1", "", "", "", ""),
    ]
    response = upload(api, officer, city.compound, csv_bytes(rows))
    assert list(response.json["errors"]) == ["3", "4"]


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "The file is neither CSV UTF-8 nor an XLSX workbook."),
        (",".join(HEADER).encode() + b"\r\n", "The file has a header but no bills."),
    ],
    ids=["empty", "png", "header only"],
)
def test_a_file_without_bills_is_an_error_on_file(api, city, officer, content, problem):
    response = upload(api, officer, city.compound, content)
    assert response.status_code == 422 and response.json["errors"] == {"file": [problem]}


def test_missing_and_unknown_columns_are_errors_on_the_header(api, city, officer):
    response = upload(api, officer, city.compound, "楼栋,unit,amount\r\n1号楼,1-101,5\r\n".encode())
    assert response.json["errors"] == {
        "1": ['unknown column "amount"', "missing column period", "missing column amount_due"]
    }


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 201),
        ("regulator", 201),
        ("street_officer", 201),
        ("firm_staff", 201),
        ("contractor_staff", 404),
        ("committee_member", 403),
    ],
)
def test_who_may_import_into_a_compound(api, city, units, role, status):
    response = upload(api, city.users[role], city.compound, csv_bytes(HISTORY))
    assert response.status_code == status, response.json
    assert counts() == ((5, 4) if status == 201 else (0, 0))


def test_a_compound_outside_the_callers_scope_is_404_and_untouched(api, city, officer):
    row = ("1号楼", "1-101", "2024-03", "71.60", "", "", "", "")
    assert upload(api, officer, city.other, csv_bytes([row])).status_code == 404
    assert upload(api, city.users["firm_staff"], city.other, csv_bytes([row])).status_code == 404
    assert counts() == (0, 0)


def test_a_firm_imports_only_the_months_its_contract_billed(api, city, units):
    rows = [HISTORY[0], ("1号楼", "1-101", "2023-12", "50", "", "", "", "")]
    response = upload(api, city.users["firm_staff"], city.compound, csv_bytes(rows))
    assert response.json["errors"] == {
        "3": ["2023-12 was not billed under your firm's contract; the street office can import it"]
    }


def test_without_a_token_the_import_is_401(client, city):
    response = client.post(
        URL, data={"compound_id": str(city.compound.id), "file": (io.BytesIO(csv_bytes(HISTORY)), "x.csv")}
    )
    assert response.status_code == 401


def test_openapi_documents_the_multipart_body(api, city):
    spec = api.client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/imports/bills"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["required"]) == {"compound_id", "file"}


# --- the upload page --------------------------------------------------------------------------


def login(client, user):
    assert client.post("/login", data={"username": user.username, "password": "password123"}).status_code == 302


def page_upload(client, compound, content: bytes):
    return client.post(
        f"/compounds/{compound.id}/fees/import?lang=en",
        data={"file": (io.BytesIO(content), "b.csv")},
        content_type="multipart/form-data",
    )


def test_the_page_imports_a_file_and_says_what_it_did(client, city, officer, units):
    login(client, officer)
    assert "导入" in client.get(f"/compounds/{city.compound.id}/fees/import?lang=zh").get_data(as_text=True)
    page = client.get(f"/compounds/{city.compound.id}/fees/import?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "upload.js" in html and "<progress" in html
    preview = preview_url(page_upload(client, city.compound, csv_bytes(HISTORY)))
    assert counts() == (0, 0)  # previewed, not imported
    html = confirm(client, preview + "?lang=en").get_data(as_text=True)
    assert (
        "Rows read：6 · Bills created：5 · Bills already there：0 · Payments recorded：4 · "
        "Payments already recorded：0" in html
    )


def test_the_page_lists_every_bad_row_and_imports_nothing(client, city, officer, units):
    login(client, officer)
    preview = preview_url(
        page_upload(client, city.compound, csv_bytes(HISTORY + [("1号楼", "9-9", "2024-03", "1", "", "", "", "")]))
    )
    html = confirm(client, preview + "?lang=en").get_data(as_text=True)
    assert "Nothing was imported" in html and "<td>8</td><td>1号楼 9-9 is not a household of this compound</td>" in html
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "role,compound,status",
    [
        ("committee_member", "compound", 403),
        ("street_officer", "other", 404),
    ],
)
def test_the_page_refuses_who_may_not_import(client, city, role, compound, status):
    login(client, city.users[role])
    assert client.get(f"/compounds/{getattr(city, compound).id}/fees/import").status_code == status
