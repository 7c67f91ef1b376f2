"""The one mechanism that writes the change trail: session events, not calls in every service.

- before_flush: for each changed or deleted object of an audited class (registry.AUDITED), the
  changed columns before and after, from the attributes' history (a value the object never
  loaded is read from the database first, so "before" is never a guess);
- after_flush: new objects (their ids exist by then), and the rows of the whole flush go in
  with one multi-row INSERT on the flush's own connection, so they commit or roll back with
  the change they describe;
- do_orm_execute: a set-based INSERT/UPDATE/DELETE on an audited table through
  `db.session.execute` (bill generation's INSERT … SELECT, the fee-book import) writes one
  summary row `bulk_insert|bulk_update|bulk_delete` with the row count and the statement's
  parameters as its scope.
"""

from __future__ import annotations

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from pm_app.audit.context import is_paused
from pm_app.audit.context import new_row as _row
from pm_app.audit.models import AuditEvent
from pm_app.audit.registry import AUDITED, AUDITED_TABLES, Audited
from pm_app.audit.values import plain, shown

PENDING = "audit_pending"
SCOPE_ITEMS = 20  # parameters kept as a bulk statement's scope


def _rule(obj) -> Audited | None:
    return AUDITED.get(type(obj))


def _object_id(obj) -> str:
    mapper = inspect(obj).mapper
    return ",".join(str(v) for v in mapper.primary_key_from_instance(obj))


def _ids(objects) -> list:
    return sorted(inspect(o).mapper.primary_key_from_instance(o)[0] for o in objects)


def _loaded(obj, rule: Audited) -> dict:
    """Every column the object holds in memory, and its collections."""
    state = inspect(obj)
    values = {p.key: shown(rule, p.key, state.dict[p.key]) for p in state.mapper.column_attrs if p.key in state.dict}
    for name, key in rule.collections.items():
        values[key] = _ids(getattr(obj, name))
    return values


def _stored(session: Session, obj, keys: list[str]) -> dict:
    """Columns as the database has them, for old values the object never loaded."""
    mapper = inspect(obj).mapper
    columns = [mapper.get_property(k).columns[0] for k in keys]
    pk = mapper.primary_key[0]
    row = session.execute(select(*columns).where(pk == mapper.primary_key_from_instance(obj)[0])).one_or_none()
    return dict(zip(keys, row)) if row is not None else {}


def _changes(session: Session, obj, rule: Audited) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after, unknown = {}, {}, []
    for prop in state.mapper.column_attrs:
        history = state.attrs[prop.key].history
        if not history.has_changes():
            continue
        after[prop.key] = shown(rule, prop.key, history.added[0] if history.added else None)
        if history.deleted:
            before[prop.key] = shown(rule, prop.key, history.deleted[0])
        else:
            unknown.append(prop.key)
    if unknown:
        before.update({k: shown(rule, k, v) for k, v in _stored(session, obj, unknown).items()})
    for name, key in rule.collections.items():
        history = state.attrs[name].history
        if history.added or history.deleted:
            before[key] = _ids([*history.unchanged, *history.deleted])
            after[key] = _ids([*history.unchanged, *history.added])
    return before, after


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if is_paused():
        session.info.pop(PENDING, None)
        return
    rows = []
    for obj in session.dirty:
        rule = _rule(obj)
        if rule is not None and session.is_modified(obj):
            before, after = _changes(session, obj, rule)
            if after:
                rows.append(_row("update", type(obj).__table__.name, _object_id(obj), before, after))
    for obj in session.deleted:
        rule = _rule(obj)
        if rule is not None:
            before = _loaded(obj, rule)
            missing = [p.key for p in inspect(obj).mapper.column_attrs if p.key not in before]
            if missing:
                before.update({k: shown(rule, k, v) for k, v in _stored(session, obj, missing).items()})
            rows.append(_row("delete", type(obj).__table__.name, _object_id(obj), before=before))
    session.info[PENDING] = rows


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    rows = session.info.pop(PENDING, None) or []
    if is_paused():
        return
    for obj in session.new:
        rule = _rule(obj)
        if rule is not None:
            rows.append(_row("create", type(obj).__table__.name, _object_id(obj), after=_loaded(obj, rule)))
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)


BULK = {"is_insert": "bulk_insert", "is_update": "bulk_update", "is_delete": "bulk_delete"}


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> object:
    action = next((name for flag, name in BULK.items() if getattr(state, flag)), None)
    table = getattr(state.statement, "table", None)
    if action is None or table is None or table.name not in AUDITED_TABLES or is_paused():
        return None
    result = state.invoke_statement(execution_options={"preserve_rowcount": True})
    many = isinstance(state.parameters, list) and len(state.parameters) > 1
    count = len(state.parameters) if many else getattr(result, "rowcount", -1)
    detail = {"count": count, "scope": _scope(state, many)}
    state.session.connection().execute(insert(AuditEvent.__table__), [_row(action, table.name, None, detail=detail)])
    return result


def _scope(state, many: bool) -> dict:
    """What the statement touched, as far as its parameters say: for a list of rows the distinct
    compounds, periods and bills in it; for a single statement its bound values."""
    if many:
        scope = {}
        for key in ("compound_id", "period", "bill_id", "household_id", "id"):
            values = sorted({p[key] for p in state.parameters if p.get(key) is not None}, key=str)
            if values:
                scope[key] = plain(values[:SCOPE_ITEMS]) + (["…"] if len(values) > SCOPE_ITEMS else [])
        return scope
    try:
        params = state.statement.compile(dialect=state.session.get_bind().dialect).params
    except Exception:  # a statement the dialect cannot compile alone says nothing more
        return {}
    params.update(state.parameters if isinstance(state.parameters, dict) else {})
    return {k: plain(v) for k, v in list(params.items())[:SCOPE_ITEMS] if not isinstance(v, list | tuple)}
