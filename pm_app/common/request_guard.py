"""The first thing every request meets, before sign-in, rate limits or any view: text the product
cannot store or show is refused here, once, for all routes (common.inputs says what that is).

- the path, the query string and form fields: no NUL or other C0/C1 control characters (tab, line
  feed and carriage return are allowed in a form's and a query's values, where a text area may
  send them; never in the path or a name);
- a JSON body: valid JSON no deeper than MAX_DEPTH, and the same rule for every string in it,
  keys included. Python's parser would recurse until RecursionError on 50,000 nested brackets.

A refusal is 400 with the field named: {"errors": {"path" | "<argument>" | "<json.path>": [...]}}.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from pm_app.common.inputs import text_problem
from pm_app.errors import DomainError

MAX_DEPTH = 32  # the deepest body the API takes is 3 levels (a committee and its members)


class BadText(DomainError):
    status = 400


def register_input_guard(app: Flask) -> None:
    app.before_request(refuse_bad_text)


def refuse_bad_text() -> None:
    problems: dict[str, list[str]] = {}
    path_problem = text_problem(request.path, single_line=True)
    if path_problem:
        problems["path"] = [path_problem]
    for location in (request.args, _form()):
        for name, values in location.lists():
            _check(problems, name, name, single_line=True)
            for value in values:
                _check(problems, name, value)
    if request.is_json and request.content_length != 0:
        _check_json(problems)
    if problems:
        raise BadText(
            _("The request contains characters that cannot be stored (control characters)."),
            dict(list(problems.items())[:20]),
        )


def _form() -> MultiDict:
    # Only a form body is read here (multipart included: its files are not text and are not looked at).
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form
    return MultiDict()


def _check(problems: dict, name: str | None, value, single_line: bool = False) -> None:
    if isinstance(value, str):
        problem = text_problem(value, single_line=single_line)
        if problem:
            problems.setdefault(_printable(name), []).append(problem)


def _printable(name: str | None) -> str:
    # A multipart part may come without a name (werkzeug gives None): it is named "?", as
    # errors.error_response names an unreadable key.
    return "".join(c if text_problem(c, single_line=True) is None else "?" for c in name or "")[:64] or "?"


def _check_json(problems: dict) -> None:
    try:
        body = request.get_json(silent=False, cache=True)
    except RecursionError:
        raise BadText(_("The JSON body is nested too deeply."), {"json": [f"at most {MAX_DEPTH} levels"]}) from None
    except HTTPException:
        return  # not JSON at all (werkzeug's BadRequest): the view's own parser answers 400 as always
    stack = [("json", body, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadText(_("The JSON body is nested too deeply."), {"json": [f"at most {MAX_DEPTH} levels"]})
        if isinstance(value, str):
            _check(problems, where, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check(problems, where, key, single_line=True)
                stack.append((f"{where}.{key}" if where != "json" else str(key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item, depth + 1) for i, item in enumerate(value))
