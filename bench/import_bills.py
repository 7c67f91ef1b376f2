"""How fast the bill import runs, and how its memory grows with the file, on the database that
DATABASE_URL names (the app's SQLite file when it is unset). Nothing is left behind: everything
happens inside one transaction that is rolled back at the end.

    DATABASE_URL=postgresql://… python bench/import_bills.py          # 10,000 and 100,000 rows
    python bench/import_bills.py 20000 200000                          # other sizes

The database must be migrated (`pm-app db upgrade`). For each size it builds an XLSX with
openpyxl (write_only): one row per bill of 2,000 households over as many months as it takes,
three rows in four with a payment, amounts as number cells and payment times as date cells.
Then, into a fresh compound each time:
  - one import with nothing watching (rows/second),
  - the same file again, which finds everything there and writes nothing,
  - one import under tracemalloc (peak Python memory of the whole import).
What grows with the rows: per bill of the file its amount, first row and what may still be paid,
and per payment its row (packed ints, about 200 bytes a row in all), so a later row can be held to
an earlier one; and openpyxl's emptied XML elements (about 80 bytes a row) until the sheet ends.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import insert, inspect  # noqa: E402
from sqlalchemy.orm import scoped_session, sessionmaker  # noqa: E402

from pm_app import create_app  # noqa: E402
from pm_app.auth.models import Role, User  # noqa: E402
from pm_app.config import Config  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.fees.imports import import_bills  # noqa: E402
from pm_app.fees.periods import shift  # noqa: E402
from pm_app.org.models import (  # noqa: E402
    Building,
    Compound,
    District,
    Firm,
    FirmKind,
    Household,
    ManagementMode,
    ServiceContract,
    Street,
)

HOUSEHOLDS = 2000
HEADER = ("building", "unit", "period", "amount_due", "due_date", "amount_paid", "paid_at", "method")


def build_xlsx(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for i in range(rows):
        household, month = i % HOUSEHOLDS, i // HOUSEHOLDS
        period = shift("2020-01", month)
        due = round(60 + household % 40 + 0.6, 2)  # 60.6 … 99.6: float cells, as Excel keeps them
        paid = (due, datetime(int(period[:4]), int(period[5:]), 5, 10, 30), "wechat") if i % 4 else (None, None, None)
        sheet.append((f"{household // 100 + 1}号楼", f"{household % 100 + 1:03d}", period, due, None, *paid))
    workbook.save(path)


def new_compound(street: Street, firm: Firm, n: int) -> Compound:
    compound = Compound(
        code=f"BENCH-BILLS-{n}", name=f"测试小区{n}", street_id=street.id, management_mode=ManagementMode.professional
    )
    db.session.add(compound)
    db.session.flush()
    db.session.add(
        ServiceContract(
            compound_id=compound.id,
            firm_id=firm.id,
            start_date=date(2020, 1, 1),
            end_date=date(2035, 12, 31),
            fee_rate_fen=85,
        )
    )
    buildings = []
    for b in range(HOUSEHOLDS // 100):
        buildings.append(Building(compound_id=compound.id, name=f"{b + 1}号楼"))
    db.session.add_all(buildings)
    db.session.flush()
    db.session.execute(
        insert(Household),
        [
            {
                "compound_id": compound.id,
                "building_id": buildings[h // 100].id,
                "unit": f"{h % 100 + 1:03d}",
                "floor_area_dm2": 8640,
            }
            for h in range(HOUSEHOLDS)
        ],
    )
    return compound


def run(user, compound, path: Path):
    with path.open("rb") as upload:
        started = time.perf_counter()
        result = import_bills(user, compound, upload)
        db.session.flush()
        return result, time.perf_counter() - started


def traced(func):
    tracemalloc.start()
    result = func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, peak


def main(sizes: list[int]) -> None:
    class BenchConfig(Config):
        SECRET_KEY = "bench"

    app = create_app(BenchConfig)
    # Problems are translated: gettext needs a request to pick a language.
    with app.app_context(), app.test_request_context("/?lang=en"), tempfile.TemporaryDirectory() as folder:
        if not inspect(db.engine).has_table("bill"):
            sys.exit(f"{db.engine.url.render_as_string()}: no bill table; run `pm-app db upgrade` first")
        connection = db.engine.connect()
        outer = connection.begin()
        db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        try:
            street = Street(name="测试街道", district=District(name="测试区"))
            firm = Firm(kind=FirmKind.property, name="测试物业", uscc="91350100MABENCH001")
            user = User(username="bench-bills", password_hash="-", role=Role.admin)
            db.session.add_all([street, firm, user])
            db.session.flush()
            print(f"database: {db.engine.url.render_as_string().split('@')[-1]}")
            print(f"{'rows':>8} {'XLSX MB':>8} {'import s':>9} {'rows/s':>8} {'again s':>8} {'peak MB':>8}")
            peaks = {}
            for n, size in enumerate(sizes):
                path = Path(folder) / f"bills_{size}.xlsx"
                build_xlsx(path, size)
                compound = new_compound(street, firm, 2 * n)
                result, seconds = run(user, compound, path)
                assert result.bills_created == size and result.payments_created == size - (size + 3) // 4, result
                again, again_seconds = run(user, compound, path)
                assert again.bills_created == again.payments_created == 0, again
                other = new_compound(street, firm, 2 * n + 1)
                _result, peak = traced(lambda: run(user, other, path))
                peaks[size] = peak
                print(
                    f"{size:>8,} {path.stat().st_size / 1e6:>8.1f} {seconds:>9.1f} {size / seconds:>8,.0f} "
                    f"{again_seconds:>8.1f} {peak / 1e6:>8.1f}"
                )
            if len(sizes) > 1:
                first, last = sizes[0], sizes[-1]
                print(
                    f"\npeak memory, {last:,} rows / {first:,} rows ({last / first:.0f}x the rows): "
                    f"{peaks[last] / peaks[first]:.1f}x; about {(peaks[last] - peaks[first]) / (last - first):.0f} "
                    "bytes per extra row"
                )
        finally:
            db.session.remove()
            outer.rollback()  # leave the database as it was
            connection.close()
            db.engine.dispose()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 100_000])
