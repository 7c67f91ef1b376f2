"""Convert `bill` and `payment` to tables range-partitioned by period, on PostgreSQL (docs/scaling.md).

    createdb -h 127.0.0.1 -U postgres -T batch_city batch_part          # a copy; nobody connected
    python bench/partition_bills.py convert postgresql://postgres@127.0.0.1/batch_part
    python bench/partition_bills.py compare postgresql://…/batch_city postgresql://…/batch_part

`convert` runs in one transaction (all or nothing) and prints its steps' seconds. One partition per
year of periods ('2024-01' … '2024-12'), from the first billed year to two years ahead, plus a
DEFAULT partition for anything outside. PostgreSQL's rules shape the rest:
  - a partitioned table's primary key and unique constraints must contain the partition key: bill's
    key becomes (id, period); payment gets the period of its bill (`bill_period`) and is keyed and
    partitioned on it, so a month's payments sit with its bills and are dropped or archived with them;
  - the foreign keys to a bill become (bill_id, bill_period) → bill (id, period); waiver (small, not
    partitioned) gets `bill_period` too, filled by a trigger;
  - a payment's idempotency key must stay unique across all periods, which no index of a partitioned
    table can promise: `payment_key` (the keys alone) holds that promise;
  - the app inserts payments without `bill_period`, and a row cannot change partition in a BEFORE
    trigger: `payment` becomes a view over the partitioned `payment_part` whose INSTEAD OF trigger
    looks the period up, records the key and inserts. Reads are unchanged (a plain view).
Every other index of the two tables (whoever added it) is re-created under its own name, with the
partition key appended where it must be unique, and so is every trigger of bill (those that keep
`bill_total`: on a partitioned table a statement's rows of all its partitions reach them together). The proper end state is a migration that adds
`bill_period` to the Payment model (set from the bill by the service) and drops the view.

`compare` runs, on both databases, every scheduled sweep (first and repeat, rolled back) and the
city-wide collection rates of 12 months (now and as of a past day, rolled back), and prints their
times side by side and whether the results are the same.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from pm_app.config import Config, _database_url  # noqa: E402

YEARS_AHEAD = 2
PAYMENT_COLUMNS = (
    "id, bill_id, amount_fen, method, paid_at, recorded_by_id, recorded_at, idempotency_key, "
    "request_digest, reversal_of_id, note"
)

PAYMENT_VIEW = f"""
CREATE VIEW payment AS SELECT {PAYMENT_COLUMNS} FROM payment_part;
ALTER VIEW payment ALTER COLUMN id SET DEFAULT nextval('payment_id_seq');
ALTER VIEW payment ALTER COLUMN recorded_at SET DEFAULT now();
CREATE FUNCTION payment_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO payment_key (idempotency_key) VALUES (NEW.idempotency_key);  -- unique across periods
  INSERT INTO payment_part ({PAYMENT_COLUMNS}, bill_period)
  VALUES (NEW.id, NEW.bill_id, NEW.amount_fen, NEW.method, NEW.paid_at, NEW.recorded_by_id, NEW.recorded_at,
          NEW.idempotency_key, NEW.request_digest, NEW.reversal_of_id, NEW.note,
          (SELECT period FROM bill WHERE id = NEW.bill_id));
  RETURN NEW;
END $$;
CREATE TRIGGER payment_insert INSTEAD OF INSERT ON payment FOR EACH ROW EXECUTE FUNCTION payment_insert();
CREATE FUNCTION waiver_bill_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.bill_period := (SELECT period FROM bill WHERE id = NEW.bill_id);
  RETURN NEW;
END $$;
CREATE TRIGGER waiver_bill_period BEFORE INSERT OR UPDATE OF bill_id ON waiver
  FOR EACH ROW EXECUTE FUNCTION waiver_bill_period();
"""


def step(connection, label: str, sql: str, timings: dict) -> None:
    started = time.perf_counter()
    for statement in statements(sql):
        connection.exec_driver_sql(statement)
    timings[label] = round(time.perf_counter() - started, 1)
    print(f"  {label:<44} {timings[label]:>7.1f} s", flush=True)


def statements(sql: str) -> list[str]:
    """The statements of a script, one per ";" at a line's end, keeping $$-quoted bodies whole."""
    found, pending = [], ""
    for part in sql.split(";\n"):
        pending = f"{pending};\n{part}" if pending else part
        if pending.count("$$") % 2 == 0:
            if pending.strip():
                found.append(pending)
            pending = ""
    return found


def definitions(connection, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(index name, CREATE INDEX …) of the table's non-constraint indexes, and (constraint name,
    definition) of its unique and outgoing foreign-key constraints except those to bill/payment."""
    indexes = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"
        ),
        {"t": table},
    ).all()
    constraints = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
            "AND contype IN ('u', 'f') AND NOT (contype = 'f' AND confrelid IN (CAST('bill' AS regclass), "
            "CAST('payment' AS regclass)))"
        ),
        {"t": table},
    ).all()
    return list(indexes), list(constraints)


def triggers(connection, table: str) -> list[str]:
    """CREATE TRIGGER … of the table's own triggers (not the ones its constraints make)."""
    return list(
        connection.scalars(
            text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal "
                "ORDER BY tgname"
            ),
            {"t": table},
        )
    )


def partitions(parent: str, first_year: int, last_year: int) -> str:
    years = [
        f"CREATE TABLE {parent}_{y} PARTITION OF {parent} FOR VALUES FROM ('{y}-01') TO ('{y + 1}-01')"
        for y in range(first_year, last_year + 1)
    ]
    return ";\n".join(years + [f"CREATE TABLE {parent}_default PARTITION OF {parent} DEFAULT"])


def convert(url: str, years: tuple[int, int] | None = None) -> dict:
    """`years` (first, last): the partitions of an empty database, converted before it is seeded
    (bench/province.py: the province's bills go straight into their year's partition)."""
    engine = create_engine(_database_url(url, Config.INSTANCE_DIR))
    timings: dict[str, float] = {}
    with engine.begin() as connection:
        if connection.scalar(text("SELECT relkind FROM pg_class WHERE relname = 'bill'")) == "p":
            raise SystemExit("bill is already partitioned")
        low, high = connection.execute(text("SELECT min(period), max(period) FROM bill")).one()
        if low is None and years is None:
            raise SystemExit("bill is empty: name the years of its partitions (--years 2023:2028)")
        first_year, last_year = years if low is None else (int(low[:4]), int(high[:4]) + YEARS_AHEAD)
        bill_indexes, bill_constraints = definitions(connection, "bill")
        bill_triggers = triggers(connection, "bill")
        payment_indexes, payment_constraints = definitions(connection, "payment")
        # Other tables' keys to a bill or a payment by id alone (receipt_line → payment): a
        # partitioned table is referenced by its whole key (id, period), which they do not carry.
        # They are dropped, and said so; the receipt's lines are written with their payment.
        dropped = connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid IN (CAST('bill' AS regclass), CAST('payment' AS regclass)) "
                "AND conrelid NOT IN (CAST('bill' AS regclass), CAST('payment' AS regclass), CAST('waiver' AS regclass))"
            )
        ).all()
        for table, name in dropped:
            print(f"  dropping {table}.{name}: it cannot reference a partitioned table by id alone", flush=True)
        step(
            connection,
            "bill: partitioned copy",
            f"""
            CREATE TABLE bill_new (LIKE bill INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (period);
            {partitions("bill_new", first_year, last_year)};
            INSERT INTO bill_new SELECT * FROM bill""",
            timings,
        )
        step(
            connection,
            "payment: partitioned copy with its bill's period",
            f"""
            CREATE TABLE payment_new (LIKE payment INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                      bill_period varchar(7) NOT NULL) PARTITION BY RANGE (bill_period);
            {partitions("payment_new", first_year, last_year)};
            INSERT INTO payment_new SELECT p.*, b.period FROM payment p JOIN bill b ON b.id = p.bill_id;
            CREATE TABLE payment_key (idempotency_key varchar(128) PRIMARY KEY);
            INSERT INTO payment_key SELECT idempotency_key FROM payment""",
            timings,
        )
        step(
            connection,
            "waiver: its bill's period",
            """
            ALTER TABLE waiver ADD COLUMN bill_period varchar(7);
            UPDATE waiver SET bill_period = bill.period FROM bill WHERE bill.id = waiver.bill_id;
            ALTER TABLE waiver ALTER COLUMN bill_period SET NOT NULL""",
            timings,
        )
        step(
            connection,
            "swap the tables",
            """
            ALTER SEQUENCE bill_id_seq OWNED BY NONE;
            ALTER SEQUENCE payment_id_seq OWNED BY NONE;
            ALTER TABLE waiver DROP CONSTRAINT fk_waiver_bill_id_bill;"""
            + "".join(f"\n            ALTER TABLE {table} DROP CONSTRAINT {name};" for table, name in dropped)
            + """
            DROP TABLE payment;
            DROP TABLE bill;
            ALTER TABLE bill_new RENAME TO bill;
            ALTER TABLE payment_new RENAME TO payment_part;
            ALTER SEQUENCE bill_id_seq OWNED BY bill.id;
            ALTER SEQUENCE payment_id_seq OWNED BY payment_part.id"""
            + "".join(
                f";\nALTER TABLE bill_new_{y} RENAME TO bill_{y};\nALTER TABLE payment_new_{y} RENAME TO payment_{y}"
                for y in [*range(first_year, last_year + 1), "default"]
            ),
            timings,
        )
        step(
            connection,
            "bill: keys, indexes, foreign keys",
            ";\n".join(
                [
                    "ALTER TABLE bill ADD CONSTRAINT pk_bill PRIMARY KEY (id, period)",
                    *(
                        f"ALTER TABLE bill ADD CONSTRAINT {name} {_with_key(d, 'period')}"
                        for name, d in bill_constraints
                    ),
                    *(d for _name, d in bill_indexes),
                    *bill_triggers,
                ]
            ),
            timings,
        )
        step(
            connection,
            "payment: keys, indexes, foreign keys",
            ";\n".join(
                [
                    "ALTER TABLE payment_part ADD CONSTRAINT pk_payment PRIMARY KEY (id, bill_period)",
                    "ALTER TABLE payment_part ADD CONSTRAINT fk_payment_bill_id_bill FOREIGN KEY (bill_id, bill_period) "
                    "REFERENCES bill (id, period)",
                    "ALTER TABLE payment_part ADD CONSTRAINT fk_payment_reversal_of_id_payment "
                    "FOREIGN KEY (reversal_of_id, bill_period) REFERENCES payment_part (id, bill_period)",
                    *(
                        f"ALTER TABLE payment_part ADD CONSTRAINT {name} {_with_key(d, 'bill_period')}"
                        for name, d in payment_constraints
                        if name != "uq_payment_idempotency_key"
                    ),
                    *(d.replace(" ON public.payment ", " ON public.payment_part ") for _name, d in payment_indexes),
                    "ALTER TABLE waiver ADD CONSTRAINT fk_waiver_bill_id_bill FOREIGN KEY (bill_id, bill_period) "
                    "REFERENCES bill (id, period)",
                ]
            ),
            timings,
        )
        step(connection, "payment view, triggers", PAYMENT_VIEW, timings)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        step(connection, "analyze", "ANALYZE bill;\nANALYZE payment_part;\nANALYZE waiver", timings)
    engine.dispose()
    return timings


def _with_key(definition: str, key: str) -> str:
    """A UNIQUE (…) constraint with the partition key appended; other definitions unchanged."""
    match = re.match(r"UNIQUE \((.*)\)$", definition)
    if match and key not in [c.strip() for c in match.group(1).split(",")]:
        return f"UNIQUE ({match.group(1)}, {key})"
    return definition


def measure(url: str, runs: int) -> dict:
    """What `compare` holds side by side: results and times of the sweeps, rates and one period's bills."""
    import batch
    from batch import db, fees_bench

    from pm_app.fees import rates

    with batch.make_app(url).app_context():
        batch.point_fees_bench_at(batch.last_billed_period())
        sweeps = batch.bench_sweeps(runs)
        found, seconds = {}, {}
        for label, as_of in (("now", None), ("as_of", fees_bench.RATES_AS_OF)):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                rows = rates.rates_by_period(rates.any_fee_bills, fees_bench.FIRST, fees_bench.LAST, as_of)
                times.append(time.perf_counter() - started)
            found[label] = [(r.period, r.receivable, r.received, r.households_billed, r.households_paid) for r in rows]
            seconds[label] = batch.stats(times)
        bills = batch.bench_bills(runs)
        figures = {
            **batch.size_of_city(),
            "sweeps": sweeps,
            "rates": seconds,
            "bills": bills,
            "results": {
                "opened": {rule: r["opened"] for rule, r in sweeps["per_rule"]["first"].items()},
                "rates": found,
                "bills_created": bills["created"],
            },
        }
        db.engine.dispose()
    return figures


def compare(plain_url: str, partitioned_url: str, runs: int) -> dict:
    plain, parted = measure(plain_url, runs), measure(partitioned_url, runs)
    print(f"\n{'measure (median of ' + str(runs) + ')':<48} {'plain':>9} {'partitioned':>12}")
    rows = [
        ("all sweeps, first", plain["sweeps"]["first"]["median"], parted["sweeps"]["first"]["median"]),
        ("all sweeps, repeat", plain["sweeps"]["repeat"]["median"], parted["sweeps"]["repeat"]["median"]),
        (
            "collection rates, 12 months city-wide, now",
            plain["rates"]["now"]["median"],
            parted["rates"]["now"]["median"],
        ),
        (
            "collection rates, 12 months city-wide, as of",
            plain["rates"]["as_of"]["median"],
            parted["rates"]["as_of"]["median"],
        ),
        ("one period's bills for the city", plain["bills"]["seconds"]["median"], parted["bills"]["seconds"]["median"]),
        ("database size, MB", plain["db_mb"], parted["db_mb"]),
    ]
    for name, a, b in rows:
        print(f"{name:<48} {a:>9} {b:>12}")
    same = plain["results"] == parted["results"]
    print(f"\nsame alerts opened per rule, same rates, same bills created: {'yes' if same else 'NO'}")
    return {"plain": plain, "partitioned": parted, "same_results": same}


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["convert", "compare"])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--years", help="first:last, for an empty database (its bills are seeded after)")
    parser.add_argument("--json", default="partition-bench.json")
    args = parser.parse_args()
    if args.command == "convert":
        print(f"converting {args.urls[0]}")
        years = tuple(int(y) for y in args.years.split(":")) if args.years else None
        figures = {"convert_seconds": convert(args.urls[0], years)}
    else:
        figures = compare(args.urls[0], args.urls[1], args.runs)
    Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
