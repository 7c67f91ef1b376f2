"""The access walk: every registered route, for every role and anonymous callers, with objects
inside and outside the caller's scope, with every method the route takes.

- an object outside the caller's scope answers exactly as a missing one (404, or 403 when the
  route is closed to the role whatever the object), whatever the method, and a refused write
  changes nothing in the database;
- no 200 body (page, JSON, list, chart, export) of a caller outside the city-wide roles carries a
  marker of the other side's objects, lists filtered on foreign objects included;
- anonymous callers are refused every route that is not in routes.PUBLIC (401 from the API, a
  redirect to the login page from pages);
- a route the table in routes.py does not know fails the walk;
- every refusal (401, 403, 404) writes exactly one `denied` row in the audit trail with the
  caller's id, the path and the status, and no other answer writes one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from pm_app.audit.models import AuditEvent
from pm_app.extensions import db
from tests.security.conftest import login
from tests.security.routes import BODIES, FILTERS, FIXED_ARGS, MISSING, OBJECT_ARGS, PUBLIC, QUERIES, SCOPED

CITY_WIDE = ("admin", "regulator")
SCOPED_ROLES = ("street_officer", "firm_staff", "contractor_staff", "committee_member")
WRITES = ("POST", "PATCH", "PUT", "DELETE")
# Kinds whose `other` object is one the role may see all the same (not foreign to it).
SHARED = {
    "period": set(SCOPED_ROLES),  # one ranking period for the whole city; its results are scoped by firm
    "firm": {"street_officer"},  # officers pick and watch any property firm (tests/org/test_scope_matrix.py)
    "code": set(SCOPED_ROLES),  # public codes of compounds and tickets
    "tracking_code": set(SCOPED_ROLES),
}
# Tables a refused request may touch without changing anything a user owns (a refusal is written
# to the audit trail: that is its point).
VOLATILE = {"api_token", "audit_event"}
# Signing in and out act on the caller's own session, not on an object: tests/security/test_sessions.py.
SESSION = {"auth.login", "auth.logout"}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" or r.rule.startswith("/static/")]


def test_every_route_has_a_rule(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - PUBLIC - SCOPED == set(), "routes without an access rule in tests/security/routes.py"
    assert (PUBLIC | SCOPED) - endpoints == set(), "rules for routes that no longer exist"
    for rule in app.url_map.iter_rules():
        unknown = set(rule.arguments) - set(OBJECT_ARGS) - set(FIXED_ARGS)
        assert not unknown, f"{rule.rule}: no value for URL argument(s) {unknown} in tests/security/routes.py"


def _url(rule, values) -> str:
    url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
    return f"{url}?{QUERIES[rule.endpoint]}" if rule.endpoint in QUERIES else url


def _values(rule, world, side: str | dict) -> dict:
    out = {}
    for arg in rule.arguments:
        if arg in FIXED_ARGS:
            out[arg] = FIXED_ARGS[arg]
            continue
        which = side if isinstance(side, str) else side[arg]
        kind = OBJECT_ARGS[arg]
        if which == "missing":
            out[arg] = MISSING[str] if kind in ("code", "tracking_code") else MISSING[int]
        else:
            out[arg] = world.ids[kind][which]
    return out


def _object_args(rule):
    return [a for a in rule.arguments if a in OBJECT_ARGS]


def _snapshot():
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in VOLATILE:
            rows[table.name] = sorted(map(repr, db.session.execute(select(table)).all()))
    return rows


class Walk:
    def __init__(self, app, api, world):
        self.app, self.api, self.world = app, api, world
        self.pages = {}
        self.failures: list[str] = []
        self.counts = Counter()
        self.routes = set()
        self.last_denial = db.session.scalar(select(func.max(AuditEvent.id))) or 0

    def client_for(self, role):
        if role not in self.pages:
            client = self.app.test_client()
            if role != "anonymous":
                assert login(client, self.world.city.users[role]).status_code == 302
            self.pages[role] = client
        return self.pages[role]

    def send(self, role, rule, method, url, body=None):
        is_api = rule.rule.startswith("/api/")
        if is_api:
            caller = self.api if role == "anonymous" else self.api.as_(self.world.city.users[role])
            kwargs = {"json": body if body is not None else BODIES.get(rule.endpoint, {})} if method in WRITES else {}
            response = caller.request(method, url, **kwargs)
        else:
            response = self.client_for(role).open(url, method=method, data=body or {})
        response.get_data()  # exports stream: read them whole and close, inside this request's context
        response.close()
        self._check_denial_logged(role, rule, method, url, response.status_code)
        self.counts["requests"] += 1
        self.counts[f"status_{response.status_code}"] += 1
        self.routes.add(rule.rule)
        if response.status_code >= 500:
            self.fail(role, method, url, f"server error {response.status_code}")
        return response

    def _check_denial_logged(self, role, rule, method, url, status):
        """Every refusal (401, 403, 404) writes one `denied` row naming the caller and the path; nothing else does."""
        rows = db.session.execute(
            select(AuditEvent.id, AuditEvent.actor_id, AuditEvent.path, AuditEvent.status)
            .where(AuditEvent.action == "denied", AuditEvent.id > self.last_denial)
            .order_by(AuditEvent.id)
        ).all()
        if rows:
            self.last_denial = rows[-1].id
        if status not in (401, 403, 404):
            if rows:
                self.fail(role, method, url, f"answered {status} but wrote {len(rows)} denial(s)")
            return
        # The public API reads no token: whoever calls it is anonymous there.
        anonymous = role == "anonymous" or (rule.endpoint in PUBLIC and rule.rule.startswith("/api/"))
        actor = None if anonymous else self.world.city.users[role].id
        if len(rows) != 1 or (rows[0].actor_id, rows[0].path, rows[0].status) != (actor, url.split("?")[0], status):
            self.fail(role, method, url, f"a {status} wrote {[tuple(r) for r in rows]}, not one denial by {actor}")
        else:
            self.counts["denials_logged"] += 1

    def fail(self, role, method, url, why):
        self.failures.append(f"{role:17} {method:6} {url}: {why}")

    def no_marker(self, role, method, url, response, rule, strict=False):
        if (role in CITY_WIDE and not strict) or response.status_code != 200 or rule.endpoint in PUBLIC:
            return
        body = response.get_data()
        for marker in self.world.markers:
            if marker.encode() in body:
                self.fail(role, method, url, f"200 body carries the other side's {marker!r}")


def _foreign(rule, role) -> bool:
    """Whether the `other` side's objects of this route are outside the role's scope."""
    kinds = {OBJECT_ARGS[a] for a in _object_args(rule)}
    return role in SCOPED_ROLES and any(role not in SHARED.get(k, set()) for k in kinds)


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_the_access_walk(app, api, world, capsys):
    walk = Walk(app, api, world)
    rules = [r for r in app.url_map.iter_rules()]
    for role in (*CITY_WIDE, *SCOPED_ROLES):
        for rule in rules:
            for method in _methods(rule):
                _walk_route(walk, role, rule, method)
    for rule in rules:
        for method in _methods(rule):
            _walk_anonymous(walk, rule, method)
    walk.counts["routes"] = len(rules)
    walk.counts["roles"] = len(CITY_WIDE) + len(SCOPED_ROLES) + 1
    Path(app.config["INSTANCE_DIR"], "access_walk.json").write_text(json.dumps(walk.counts, indent=1))
    with capsys.disabled():
        print("\naccess walk:", dict(sorted(walk.counts.items())))
    Path(app.config["INSTANCE_DIR"], "access_walk_failures.txt").write_text("\n".join(walk.failures))
    assert walk.failures == [], "\n" + "\n".join(walk.failures)


def _walk_route(walk, role, rule, method):
    args = _object_args(rule)
    if method == "GET":
        for side in ("own", "other"):
            url = _url(rule, _values(rule, walk.world, side))
            if not args:
                url += (
                    ("&" if "?" in url else "?") + "&".join(f"{k}={_filter(walk.world, k)}" for k in FILTERS)
                    if side == "other"
                    else ""
                )
            response = walk.send(role, rule, method, url)
            walk.no_marker(role, method, url, response, rule)
            if side == "other" and args and _foreign(rule, role):
                walk.counts["out_of_scope"] += 1
                _same_as_missing(walk, role, rule, method, response, url)
        _mixed(walk, role, rule, method)
        return
    # Writes are sent only where they must be refused, so the walk itself changes nothing.
    if role in CITY_WIDE or rule.endpoint in SESSION:
        return
    if args and _foreign(rule, role):
        url = _url(rule, _values(rule, walk.world, "other"))
        before = _snapshot()
        response = walk.send(role, rule, method, url)
        walk.counts["out_of_scope"] += 1
        _same_as_missing(walk, role, rule, method, response, url)
        if _snapshot() != before:
            walk.fail(role, method, url, "a refused write changed the database")
        _mixed(walk, role, rule, method)
    elif not args:
        # No object in the URL: the body names the other side's objects (mass assignment).
        body = {k: _filter(walk.world, k) for k in FILTERS}
        url = _url(rule, _values(rule, walk.world, "own"))
        before = _snapshot()
        response = walk.send(role, rule, method, url, body)
        walk.counts["foreign_bodies"] += 1
        if response.status_code < 400 and response.status_code not in (302, 303):
            walk.fail(role, method, url, f"a body naming foreign objects answered {response.status_code}")
        if _snapshot() != before:
            walk.fail(role, method, url, "a body naming foreign objects changed the database")


def _filter(world, key):
    kind = key.removesuffix("_id")
    if kind == "street":
        return world.city.other_street.id
    return world.ids[kind]["other"]


def _same_as_missing(walk, role, rule, method, response, url):
    missing = walk.send(role, rule, method, _url(rule, _values(rule, walk.world, "missing")))
    status = response.status_code
    if status not in (403, 404):
        walk.fail(role, method, url, f"out of scope answered {status}")
    elif status != missing.status_code:
        walk.fail(role, method, url, f"out of scope answered {status}, a missing object {missing.status_code}")
    else:
        walk.counts[f"out_of_scope_{status}"] += 1


def _mixed(walk, role, rule, method):
    """A parent in scope with a child of the other side (/compounds/<own>/…/entries/<other>)."""
    args = _object_args(rule)
    if len(args) < 2 or not _foreign(rule, role) and role not in CITY_WIDE:
        return
    parents = {OBJECT_ARGS[a] for a in args[:-1]}
    if all(walk.world.ids[k]["own"] == walk.world.ids[k]["other"] for k in parents):
        return  # the parent is shared (the city's ranking period): nothing is mixed
    sides = {a: "own" for a in args}
    sides[args[-1]] = "other"
    url = _url(rule, _values(rule, walk.world, sides))
    before = _snapshot() if method != "GET" else None
    response = walk.send(role, rule, method, url)
    walk.counts["mixed"] += 1
    if method == "GET" and response.status_code == 200:
        walk.no_marker(role, method, url, response, rule, strict=True)  # a list under the parent: no foreign row
    elif response.status_code not in (403, 404):
        walk.fail(role, method, url, f"a foreign child under an own parent answered {response.status_code}")
    if before is not None and _snapshot() != before:
        walk.fail(role, method, url, "a refused write changed the database")


def _walk_anonymous(walk, rule, method):
    url = _url(rule, _values(rule, walk.world, "own"))
    if rule.endpoint in PUBLIC:
        if method == "GET":
            walk.send("anonymous", rule, method, url)
        return
    response = walk.send("anonymous", rule, method, url)
    walk.counts["anonymous_refused"] += 1
    status = response.status_code
    if rule.rule.startswith("/api/"):
        if status != 401:
            walk.fail("anonymous", method, url, f"answered {status}, not 401")
    elif status not in (302, 401, 404) or (status == 302 and "/login" not in response.headers.get("Location", "")):
        walk.fail("anonymous", method, url, f"answered {status}, not a redirect to the login page")
