"""The one place scope is applied: every list, get, count, chart and export of a model goes
through `visible(Model, user)`. An object outside the caller's scope does not exist: 404.

Each domain registers a rule per model with `@scope_rule(Model)`; a model without a rule cannot
be queried through here at all, so a forgotten rule fails loudly instead of leaking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, false, func, select

from pm_app.audit.denials import note_object
from pm_app.errors import NotFound
from pm_app.extensions import db

M = TypeVar("M")
Rule = Callable[[object], ColumnElement[bool]]
_rules: dict[type, Rule] = {}


def scope_rule(model: type) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        _rules[model] = rule
        return rule

    return register


def has_rule(model: type) -> bool:
    return model in _rules


def scope_clause(model: type, user) -> ColumnElement[bool]:
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    try:
        rule = _rules[model]
    except KeyError:
        raise LookupError(f"no scope rule registered for {model.__name__}") from None
    return rule(user)


def visible(model: type[M], user) -> Select[tuple[M]]:
    return select(model).where(scope_clause(model, user))


def count_visible(model: type, user, *criteria) -> int:
    query = select(func.count()).select_from(model).where(scope_clause(model, user), *criteria)
    return db.session.scalar(query) or 0


def get_visible(model: type[M], object_id: int, user, *options) -> M:
    """The object if the caller may see it; NotFound (404) whether it is missing or foreign.
    `options`: loader options, for what the caller reads next (its many-to-ones, say)."""
    obj = db.session.scalar(
        visible(model, user)
        .where(model.id == object_id)  # type: ignore[attr-defined]
        .options(*options)
    )
    if obj is None:
        note_object(model, object_id)  # the audit trail says which object was refused
        raise NotFound(f"{model.__name__} {object_id} not found")
    return obj


def visible_or_404(model: type[M], object_id: int, *options) -> M:
    """For pages: the object if the signed-in reader sees it, else the page's own 404 (in the
    reader's language, not the API's "Compound 7 not found")."""
    from flask import abort
    from flask_login import current_user

    try:
        return get_visible(model, object_id, current_user, *options)
    except NotFound:
        abort(404)


def object_in_scope(model: type, view_arg: str):
    """View decorator: 404 for an object outside scope before the body is even parsed, so a
    foreign id answers the same whatever is sent with it."""
    from functools import wraps

    from flask_login import current_user

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            get_visible(model, kwargs[view_arg], current_user)
            return view(*args, **kwargs)

        return wrapped

    return decorator
