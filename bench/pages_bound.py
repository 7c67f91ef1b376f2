"""The bound of bench/pages.py: each measured page served by the least a Flask view can do for it.

The reference (pages_reference.py) is the page's SQL alone, on a connection from the pool. No web
page can be that: it must at least take the request, find who is asking, run that SQL and send
an answer. The bound is exactly that, as a bare Flask app beside the product (no extensions, no
ORM, no template): the signed-in user read by the product's own session cookie, or by its bearer
token, in one hand-written statement; the street's ids taken from that user; the compound page's
compound checked against them; the reference's statements on a raw pool connection; the rows
written out as the body. It is what any page of this stack costs at the least.

Its ratio to the reference is therefore the lowest ratio a page could show. Where it is over a
target, no implementation in Flask can meet that target on this machine, whatever the product
does; where it is under, the gap between the bound and the page is the product's own cost
(ORM, scope clauses, templates, charts, the layout), which is what a ratio target is meant to press.

The API rows have a second, lower bound, the **least** (`/least/<page>`): one statement that checks
the token and computes the reference's figures together (one round trip, not two), on a
connection of its own in autocommit (no BEGIN, no ROLLBACK, no pool), with nothing a correct
endpoint needs besides: it cannot tell a bad token from a street not the caller's or from no bills
(all three answer no rows), validates no argument and formats no number. No view of this stack
can be cheaper. psycopg's preparing is off for it: prepared, PostgreSQL's generic plan for the
period range made it about twice as slow (2.3 against 1.1 ms), so unprepared is the least.
"""
from __future__ import annotations

import hashlib
import json

import psycopg

from flask import Flask, Response, abort, session

from bench.pages_reference import queries
from pm_app.auth.access import bearer_token
from pm_app.auth.services import SESSION_VERSION

# The product's user loader checks the same (active, the session's generation) and reads the
# streets with the user; the token check adds the token's expiry.
BY_SESSION = """SELECT u.session_version, array_remove(array_agg(us.street_id ORDER BY us.street_id), NULL)
FROM "user" u LEFT JOIN user_street us ON us.user_id = u.id WHERE u.id = %(id)s AND u.active GROUP BY u.id"""
BY_TOKEN = """SELECT array_remove(array_agg(us.street_id ORDER BY us.street_id), NULL)
FROM api_token t JOIN "user" u ON u.id = t.user_id LEFT JOIN user_street us ON us.user_id = u.id
WHERE t.token_hash = %(digest)s AND t.expires_at > now() AND u.active GROUP BY u.id"""


# The least: the token's check inside the reference's own statement. A street's compounds are
# those of the asked street if the caller holds it; the city's figures need a caller who sees it.
CALLER = """WITH caller AS (SELECT u.id, u.role FROM api_token t JOIN "user" u ON u.id = t.user_id
WHERE t.token_hash = %(digest)s AND t.expires_at > now() AND u.active)
"""
LEAST = {  # page → (what of its reference changes, into what)
    "rates_street": ("SELECT id FROM compound WHERE street_id = %(street)s",
                     "SELECT c.id FROM compound c JOIN user_street us ON us.street_id = c.street_id "
                     "JOIN caller ON caller.id = us.user_id WHERE c.street_id = %(street)s"),
    "rates_city": ("GROUP BY", "AND EXISTS (SELECT 1 FROM caller WHERE role IN ('admin', 'regulator'))\nGROUP BY"),
}


def least_statement(page: str) -> str:
    """The API page's reference with the caller's check inside it: one statement."""
    (statement,) = queries(page)
    old, new = LEAST[page]
    assert statement.count(old) == 1, f"{page}: the reference changed, and its least with it"
    return CALLER + statement.replace(old, new)


def bound_app(engine, secret_key: str, params: dict) -> Flask:
    """A bare Flask app on the product's connection pool that reads the product's session cookie."""
    app = Flask("bound")
    app.secret_key = secret_key

    def answer(page: str, who: str, key: dict) -> list:
        connection = engine.raw_connection()  # from the pool and back, as the reference does
        try:
            with connection.cursor() as cursor:
                cursor.execute(who, key)
                user = cursor.fetchone()
                if user is None or (who is BY_SESSION and user[0] != session.get(SESSION_VERSION, 0)):
                    abort(401)
                streets = user[-1]
                bound = params | ({"street": streets[0]} if streets else {})
                rows = []
                for statement in queries(page):
                    cursor.execute(statement, bound)
                    rows.append(cursor.fetchall())
                    if page == "compound_page" and len(rows) == 1 and streets:
                        # the compound must be in the officer's streets, or the page is a 404
                        street_id = [column.name for column in cursor.description].index("street_id")
                        if not rows[0] or rows[0][0][street_id] not in streets:
                            abort(404)
        finally:
            connection.close()
        return rows

    @app.get("/page/<page>")
    def html(page: str):
        user_id = session.get("_user_id")
        if user_id is None:
            abort(401)
        return Response(repr(answer(page, BY_SESSION, {"id": int(user_id)})), mimetype="text/html")

    @app.get("/api/<page>")
    def api(page: str):
        token = bearer_token()  # the product's own reading of the header
        if not token:
            abort(401)
        rows = answer(page, BY_TOKEN, {"digest": _digest(token)})
        return Response(json.dumps(rows, default=str), mimetype="application/json")

    own = psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                          autocommit=True)
    app.extensions["least_connection"] = own  # the app's own, for its life: closed with it by the caller
    statements = {page: least_statement(page) for page in LEAST}

    @app.get("/least/<page>")
    def least(page: str):
        with own.cursor() as cursor:  # no token is the digest of "": no caller, no rows
            cursor.execute(statements[page], params | {"digest": _digest(bearer_token())}, prepare=False)
            rows = cursor.fetchall()
        return Response(json.dumps(rows, default=str), mimetype="application/json")

    return app


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
