"""The fee counter's household search at city scale on PostgreSQL: 1,130 compounds, 13,862
buildings, 196,900 households (seed 003's city's sizes, synthetic rows), 200 firms; times the
search for the city and for one firm, and shows the plan of one.

    TEST_DATABASE_URL=postgresql://…/scratch .venv/bin/python bench/counter_search.py

It writes its rows (ids from 900001) into that database and leaves them: use a scratch database
migrated to head (the test suite's leaves one).
"""

import os
import statistics
import time

os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1/pm_h_counter")
from sqlalchemy import text

from pm_app import create_app
from pm_app.config import TestConfig
from pm_app.extensions import db

app = create_app(TestConfig)
SQL = """
INSERT INTO district (id, name) VALUES (900001, 'bench区');
INSERT INTO street (id, district_id, name) SELECT 900000 + s, 900001, 'bench街道' || s FROM generate_series(1, 60) s;
INSERT INTO firm (id, kind, name, uscc) SELECT 900000 + f, 'property', 'bench物业' || f, lpad((910000000000000000 + f)::text, 18, '0') FROM generate_series(1, 200) f;
INSERT INTO compound (id, code, name, street_id, management_mode)
  SELECT 900000 + c, 'B-' || c, 'bench小区' || c, 900001 + c % 60, 'professional' FROM generate_series(1, 1130) c;
INSERT INTO service_contract (compound_id, firm_id, start_date, end_date, fee_rate_fen, billing_cycle)
  SELECT 900000 + c, 900001 + c % 200, '2024-01-01', '2035-12-31', 85, 'monthly' FROM generate_series(1, 1130) c;
INSERT INTO building (id, compound_id, name)
  SELECT 900000 + b, 900001 + (b - 1) % 1130, ((b - 1) / 1130 + 1) || '号楼' FROM generate_series(1, 13862) b;
INSERT INTO household (compound_id, building_id, unit, floor_area_dm2, owner_name, owner_phone)
  SELECT 900001 + ((h - 1) % 13862) % 1130, 900001 + (h - 1) % 13862,
         (1 + ((h - 1) / 13862) / 8) || '-' || (1 + ((h - 1) / 13862) % 8 / 2) || lpad((1 + (h - 1) / 13862 % 2)::text, 2, '0'),
         8640, (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + h % 8] || (ARRAY['伟','芳','娜','敏','静','强','磊','洋','艳','勇'])[1 + h % 10] || (ARRAY['','华','军','英','明'])[1 + h % 5],
         '138' || lpad((h * 7919 % 100000000)::text, 8, '0')
  FROM generate_series(1, 196900) h;
ANALYZE;
"""
with app.app_context():
    with db.engine.begin() as conn:
        if conn.execute(text("SELECT count(*) FROM household")).scalar() < 100000:
            for statement in SQL.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement))
        print("households", conn.execute(text("SELECT count(*) FROM household")).scalar())
    from pm_app.auth.models import Role, User
    from pm_app.fees.counter import household_search

    admin = User(id=999001, username="bench-admin", password_hash="x", role=Role.admin, active=True)
    firm = User(id=999002, username="bench-firm", password_hash="x", role=Role.firm_staff, firm_id=900007, active=True)
    db.session.add_all([admin, firm])
    db.session.flush()
    for user in (admin, firm):
        for q in ("3-2-301", "3号楼2单元301", "3栋301", "王伟华", "王伟", "5678"):
            times, n = [], 0
            for _ in range(7):
                start = time.perf_counter()
                rows = household_search.found_rows(user, db.session.execute(household_search.query(user, q).limit(50)))
                times.append((time.perf_counter() - start) * 1000)
                n = len(rows)
            print(f"{user.role.value:11s} {q:14s} rows={n:3d} median={statistics.median(times):7.1f} ms")
    for user, q in ((admin, "3-2-301"), (admin, "5678"), (admin, "王伟"), (firm, "3栋301")):
        sql = str(household_search.query(user, q).limit(50).compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = db.session.execute(text("EXPLAIN ANALYZE " + sql)).scalars().all()
        print(
            user.role.value,
            q,
            "|",
            plan[-1],
            "|",
            next((p.strip() for p in plan if "household" in p and "Index" in p), ""),
        )
    db.session.rollback()
