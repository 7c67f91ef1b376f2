"""What the peak hour's simulated people work on: the bench accounts (made once in the seeded
template, like any office's staff) and, per run, each account's share of the city — the
households its cashiers take payments from, the tickets its firm moves on, its compound's books.

Each household and each ticket goes to one account only, and a journey takes it once, so no two
simulated people pay the same bills or move the same ticket: a refusal in the run is a fault of the
product, never of the script.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import requests

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) peak-hour-bench"  # locust sends the same (roles.py)
PASSWORD = "Peak-hour-bench-1"  # bench accounts only; the run database is dropped afterwards
PREFIX = "peak-"
STREETS, FIRMS, COMMITTEES, REGULATORS = 24, 24, 24, 2
HOUSEHOLDS_PER_STREET = 400
TICKETS_PER_FIRM = 300


def make_accounts(url: str) -> int:
    """The bench's staff, bound as real ones are: one street office per street, the busiest firms'
    staff, committee members of compounds with a committee in office, the city's regulator."""
    from pm_app import create_app
    from pm_app.auth.services import create_user
    from pm_app.config import Config, _database_url
    from pm_app.extensions import db

    class PlanConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url, Config.INSTANCE_DIR)
        SECRET_KEY = "bench"

    app = create_app(PlanConfig)
    with app.app_context():
        rows = db.session.execute(db.text(_BINDINGS)).all()
        for username, role, street_id, firm_id, compound_id in rows:
            create_user(
                username,
                PASSWORD,
                role,
                street_ids=[street_id] if street_id else (),
                firm_id=firm_id,
                compound_id=compound_id,
                display_name=username,
            )
        db.session.commit()
        db.engine.dispose()
    return len(rows)


_BINDINGS = f"""
WITH streets AS (SELECT id FROM street ORDER BY id LIMIT {STREETS}),
firms AS (SELECT firm_id AS id FROM service_contract
          WHERE start_date <= current_date AND end_date >= current_date AND firm_id IS NOT NULL
          GROUP BY firm_id ORDER BY count(*) DESC, firm_id LIMIT {FIRMS}),
committees AS (SELECT DISTINCT ON (compound_id) compound_id AS id FROM committee
               WHERE term_end > current_date ORDER BY compound_id LIMIT {COMMITTEES})
SELECT '{PREFIX}street-' || id, 'street_officer', id, NULL::int, NULL::int FROM streets
UNION ALL SELECT '{PREFIX}firm-' || id, 'firm_staff', NULL, id, NULL FROM firms
UNION ALL SELECT '{PREFIX}committee-' || id, 'committee_member', NULL, NULL, id FROM committees
UNION ALL SELECT '{PREFIX}regulator-' || n, 'regulator', NULL, NULL, NULL FROM generate_series(1, {REGULATORS}) n
"""


def build(url: str, base: str, path: Path) -> dict:
    """Sign every bench account in (a page session and an API token, as a browser and a client
    program hold them) and write what each works on to `path` for the locustfile."""
    with psycopg.connect(url, autocommit=True) as conn:
        users = conn.execute(
            "SELECT u.id, u.username, u.role, u.firm_id, u.compound_id, "
            "(SELECT min(street_id) FROM user_street s WHERE s.user_id = u.id) "
            'FROM "user" u WHERE username LIKE %s ORDER BY u.id',
            (PREFIX + "%",),
        ).fetchall()
        accounts = []
        for _user_id, username, role, firm_id, compound_id, street_id in users:
            account = {"username": username, "role": role, **_signed_in(base, username)}
            if role == "street_officer":
                account |= _street_work(conn, street_id)
            elif role == "firm_staff":
                account |= _firm_work(conn, firm_id)
            elif role == "committee_member":
                account |= _committee_work(conn, compound_id)
            accounts.append(account)
        public = [
            {"code": code, "compound_id": cid}
            for cid, code in conn.execute(
                "SELECT c.id, c.code FROM compound c WHERE c.id IN (SELECT DISTINCT compound_id FROM service_contract "
                'WHERE firm_id IN (SELECT firm_id FROM "user" WHERE username LIKE %s)) ORDER BY c.id',
                (PREFIX + "firm-%",),
            )
        ]
        period = conn.execute("SELECT max(period) FROM bill").fetchone()[0]
    plan = {"accounts": accounts, "public_compounds": public, "period": period}
    path.write_text(json.dumps(plan))
    return plan


def _signed_in(base: str, username: str) -> dict:
    import re

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT  # a session is kept to the browser it was signed in with
    page = session.get(base + "/login", timeout=30).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(
        base + "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: {answer.status_code}")
    token = requests.post(base + "/api/v1/auth/token", json={"username": username, "password": PASSWORD}, timeout=30)
    token.raise_for_status()
    return {"cookies": session.cookies.get_dict(), "token": token.json()["token"]}


def _street_work(conn, street_id: int) -> dict:
    """Households of the street owing at least two months: each is paid once, two or three of its
    oldest months together, as a resident settles arrears at the counter."""
    compounds = [
        cid for (cid,) in conn.execute("SELECT id FROM compound WHERE street_id = %s ORDER BY id", (street_id,))
    ]
    rows = conn.execute(
        f"""
        SELECT household_id, owner, compound_id, array_agg(id ORDER BY period), sum(owed)
        FROM (SELECT b.id, b.household_id, b.compound_id, b.period, h.owner_name AS owner,
                     b.amount_due_fen - b.paid_fen - b.waived_fen AS owed,
                     row_number() OVER (PARTITION BY b.household_id ORDER BY b.period) AS n,
                     count(*) OVER (PARTITION BY b.household_id) AS owing
              FROM bill b JOIN household h ON h.id = b.household_id
              WHERE b.compound_id = ANY(%s) AND b.amount_due_fen - b.paid_fen - b.waived_fen > 0) o
        WHERE n <= 3 AND owing >= 2
        GROUP BY household_id, owner, compound_id ORDER BY household_id LIMIT {HOUSEHOLDS_PER_STREET}""",
        (compounds[:8],),  # eight compounds owe enough households, and reading them is quick
    ).fetchall()
    return {
        "street_id": street_id,
        "compounds": compounds,
        "households": [
            {"id": h, "owner": owner or "", "compound_id": c, "bill_ids": ids, "owed_fen": int(owed)}
            for h, owner, c, ids, owed in rows
        ],
    }


def _firm_work(conn, firm_id: int) -> dict:
    """Open tickets assigned to the firm and to no one person yet: its staff accept, start and
    resolve them, one step per visit."""
    compounds = [
        cid
        for (cid,) in conn.execute(
            "SELECT DISTINCT compound_id FROM service_contract WHERE firm_id = %s AND start_date <= current_date "
            "AND end_date >= current_date ORDER BY compound_id",
            (firm_id,),
        )
    ]
    tickets = [
        {"id": t, "status": s}
        for t, s in conn.execute(
            f"SELECT id, status::text FROM ticket WHERE assignee_firm_id = %s AND assignee_user_id IS NULL "
            f"AND status IN ('new', 'assigned', 'in_progress') ORDER BY id LIMIT {TICKETS_PER_FIRM}",
            (firm_id,),
        )
    ]
    return {"firm_id": firm_id, "compounds": compounds, "tickets": tickets}


def _committee_work(conn, compound_id: int) -> dict:
    return {"compound_id": compound_id}
