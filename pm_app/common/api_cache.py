"""A shared cache of the API's authenticated reads (in Redis), kept exact by table versions.

Why: integrations and dashboards poll the same reads (a street's compounds, a firm's tickets, a
committee's rates) far more often than the data under them changes, and each read costs 3–18 ms
of ORM, marshmallow and PostgreSQL; a cached one costs the token check and one Redis round trip
(docs/performance.md, "The API's read cache").

How it stays exact, with no list of what each endpoint reads to keep up to date by hand:
- Every statement that writes (ORM, Core or hand-written SQL) notes on its connection the tables
  its SQL names, the tables those cascade to, and the tables the database's own triggers write
  when those change (TRIGGER_WRITES: no statement names them). When the transaction commits, each of those
  tables' versions in Redis is raised twice: just before the commit, and again after it, when the
  connection returns to the pool. A read that ran between the two cannot be stored under the
  final version.
- The versions are read once per request, before the token is checked. A stored answer records,
  at those versions, every table its statements named (a join, a subquery or hand-written SQL
  counts: naming a table is enough), the token check's own included: after a changed scope, a
  disabled user or a revoked token it misses. (The token is checked against the database on
  every request all the same: revoking one takes effect at once, whatever Redis holds.)
- An answer is served only while every one of those versions is unchanged, under the same epoch
  (a random mark of the versions hash: a Redis that lost the hash never matches old answers).
- The key is the bearer token, the language, the city's date and the path with its query string.
  Answers live API_CACHE_SECONDS at most. That bounds the only two things versions do not see:
  what the clock alone changes (a ticket turning overdue) and a raise lost while Redis was down.
- Stored: 200 answers to GETs under /api/ with a bearer token, that wrote nothing, up to
  API_CACHE_MAX_BYTES, except views marked `@uncached` (the job health, which reads Redis; the
  ledger's verify, which must see a row changed behind the app's back at once).
  Without REDIS_URL, or with API_CACHE_SECONDS = 0, nothing is cached, but the raises still
  happen wherever REDIS_URL is set, so another process's cache stays exact.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field

from flask import Response, current_app, has_app_context, request, session
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from pm_app.common.clock import today
from pm_app.extensions import db

log = logging.getLogger(__name__)

VERSIONS = "pm_app:api-cache:versions"
EPOCH = b"~epoch"
ENTRY = "pm_app:api-cache:entry:"
KEPT_HEADERS = {"content-type", "x-pagination", "link"}
WRITES = re.compile(r"^\s*(insert|update|delete|merge|truncate|copy|alter|drop|create)\b", re.I)
CTE = re.compile(r"^\s*with\b", re.I)
CTE_WRITES = re.compile(r"\b(insert|update|delete)\b", re.I)
PAUSE_AFTER_FAILURE = 10.0  # seconds without Redis calls after one fails: a dead Redis costs one timeout

# Tables the database itself writes, in triggers, when another table is written: a write to a key
# is a write to each of its values too. No statement the app sends names them, so they are declared
# here, one line per trigger-maintained table (tests/common/test_trigger_writes.py checks this map
# against every trigger the migrations create, on SQLite and PostgreSQL).
TRIGGER_WRITES: dict[str, set[str]] = {
    "bill": {"bill_total"},  # d6b3f9a2c007: sums per compound, month, fee type and firm
}


@dataclass
class Seen:
    """What one cacheable request has seen: the versions before it began, the tables it read."""

    key: str
    epoch: bytes
    versions: dict[bytes, bytes]
    reads: set[str] = field(default_factory=set)
    wrote: bool = False
    hit: Response | None = None


_recording: contextvars.ContextVar[Seen | None] = contextvars.ContextVar("pm_api_cache", default=None)
_paused_until = 0.0


class Tables:
    """The tables a statement names, found in its SQL text; and whom a write cascades to."""

    def __init__(self, metadata):
        names = sorted(metadata.tables, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
        self.cascades = _cascades(metadata)

    def named(self, sql: str) -> set[str]:
        return set(self.pattern.findall(sql))

    def written(self, sql: str) -> set[str]:
        found = self.named(sql)
        for table in list(found):
            found |= self.cascades.get(table, set())
        return found


def _cascades(metadata) -> dict[str, set[str]]:
    """table → the tables an ON DELETE/UPDATE action or a trigger changes when it changes,
    transitively."""
    direct: dict[str, set[str]] = {table: set(written) for table, written in TRIGGER_WRITES.items()}
    for table in metadata.tables.values():
        for key in table.foreign_keys:
            if key.ondelete or key.onupdate:
                direct.setdefault(key.column.table.name, set()).add(table.name)
    closed = {}
    for table in direct:
        seen, todo = set(), [table]
        while todo:
            for child in direct.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        closed[table] = seen
    return closed


_tables: Tables | None = None


def tables() -> Tables:
    global _tables
    if _tables is None:
        _tables = Tables(db.metadata)
    return _tables


# On every engine (the app's, a job's, a CLI command's), registered once when this module loads.
@event.listens_for(Engine, "before_cursor_execute")
def _statement(conn, _cursor, statement, _params, context, _many):
    """Writes note their tables on the connection; a cacheable request's reads note theirs."""
    writes = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    # matched in place: a batch of many inserted rows is one long string, not to be copied per statement
    writes = (
        writes or bool(WRITES.match(statement)) or (bool(CTE.match(statement)) and bool(CTE_WRITES.search(statement)))
    )
    recording = _recording.get()
    if writes:
        conn.info.setdefault("pm_api_cache_written", set()).update(tables().written(statement))
        if recording is not None:
            recording.wrote = True
    elif recording is not None:
        recording.reads |= tables().named(statement)


@event.listens_for(Engine, "commit")
def _before_commit(conn):
    written = conn.info.pop("pm_api_cache_written", None)
    if written and has_app_context() and current_app.config.get("REDIS_URL"):
        client = _client()
        raise_versions(client, written)
        conn.info.setdefault("pm_api_cache_after", []).append((client, written))


@event.listens_for(Engine, "release_savepoint")
def _savepoint_released(conn, _name, _context):
    _before_commit(conn)  # under the test harness a session's commit releases a savepoint


@event.listens_for(Engine, "rollback")
def _rolled_back(conn):
    conn.info.pop("pm_api_cache_written", None)


@event.listens_for(Pool, "checkin")
def _after_commit(_dbapi_connection, record):
    for client, written in record.info.pop("pm_api_cache_after", ()):
        raise_versions(client, written)


def _pause(what: str, exc: Exception) -> None:
    global _paused_until
    _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
    log.warning("API cache %s: %s", what, exc)


def raise_versions(client, written: set[str]) -> None:
    if time.monotonic() < _paused_until:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for table in sorted(written):
            pipe.hincrby(VERSIONS, table, 1)
        pipe.execute()
    except RedisError as exc:
        _pause(f"could not raise the versions of {sorted(written)}", exc)


def _client():
    from pm_app.extensions import redis_client

    return redis_client.connection()


def _enabled() -> bool:
    config = current_app.config
    return bool(config.get("REDIS_URL") and config.get("API_CACHE_SECONDS")) and time.monotonic() >= _paused_until


def uncached(view):
    """For a read whose answer depends on more than the database (Redis, the queues, the clock
    to the second), or must see rows changed behind the app's back: it is never stored nor
    served. Marks a view function, a MethodView class or one of its methods."""
    view.api_cache = False
    return view


def _marked_uncached() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None)
    return any(getattr(marked, "api_cache", True) is False for marked in (view, view_class, method))


def begin(token: str) -> None:
    """Before the token is checked: read the versions and any stored answer for this request.
    The answer is served by `served()` once the token has been accepted."""
    if request.method != "GET" or not token or not _enabled() or _marked_uncached():
        return
    key = (
        ENTRY
        + hashlib.sha256(
            "\n".join((token, str(session.get("lang", "")), today().isoformat(), request.full_path)).encode()
        ).hexdigest()
    )
    client = _client()
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hgetall(VERSIONS)
        pipe.get(key)
        versions, stored = pipe.execute()
        if EPOCH not in versions:
            client.hsetnx(VERSIONS, EPOCH, secrets.token_hex(8))
            return  # this request's versions carry no epoch: neither serve nor store
    except RedisError as exc:
        _pause("unavailable", exc)
        return
    state = Seen(key, versions[EPOCH], versions)
    state.hit = _answer(stored, state) if stored else None
    _recording.set(state)


def served() -> Response | None:
    state = _recording.get()
    return state.hit if state is not None else None


def _answer(stored: bytes, state: Seen) -> Response | None:
    head, _, body = stored.partition(b"\n")
    entry = json.loads(head)
    if entry["epoch"] != state.epoch.decode():
        return None
    for table, version in entry["versions"].items():
        if int(state.versions.get(table.encode(), 0)) != version:
            return None
    response = Response(body, status=200)
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response


def store(response: Response) -> Response:
    """After the view: keep a cacheable answer under the versions read before it ran."""
    state = _recording.get()
    if (
        state is None
        or state.hit is not None
        or state.wrote
        or response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
    ):
        return response
    body = response.get_data()
    if len(body) > current_app.config.get("API_CACHE_MAX_BYTES", 512 * 1024):
        return response
    versions = {table: int(state.versions.get(table.encode(), 0)) for table in state.reads}
    head = json.dumps(
        {
            "epoch": state.epoch.decode(),
            "versions": versions,
            "headers": [(k, v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS],
        }
    )
    try:
        _client().set(state.key, head.encode() + b"\n" + body, ex=int(current_app.config["API_CACHE_SECONDS"]))
    except RedisError as exc:
        log.warning("API cache unavailable: %s", exc)
    return response


def end(_exc=None) -> None:
    _recording.set(None)
