"""Paged lists for HTML pages: one COUNT and one LIMIT/OFFSET query, whatever the table size
(or one statement, where the count can ride along)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask import abort, request, url_for
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func

from pm_app.common.inputs import MAX_PAGE, InputError, parse_day, parse_int
from pm_app.common.pagination import count_of, paginate
from pm_app.extensions import db

PER_PAGE = 50


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(args, name: str = "page") -> int:
    """The ?page= argument; 1 when absent, 400 when it is not a whole number in 1..MAX_PAGE
    (ASCII digits: "²" passes str.isdigit() but not int())."""
    try:
        return parse_int(args.get(name) or "1", name, 1, MAX_PAGE)
    except InputError:
        abort(400)


def day_arg(args, name: str) -> date | None:
    """An optional YYYY-MM-DD argument within common.inputs' range: None when absent, 400 when it
    is not such a date."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_day(value, name)
    except InputError:
        abort(400)


def page_of(query: Select, number: int, per_page: int = PER_PAGE) -> Page:
    pagination = PaginationParameters(number, per_page)
    items = paginate(query, pagination)
    return Page(items=items, number=number, per_page=per_page, total=pagination.item_count)


def page_counted_along(query: Select, number: int, per_page: int = PER_PAGE) -> Page:
    """A page of one entity whose count rides along as a window: one statement, not two. Only for
    a list the database sorts whole before it cuts the page (a compound's households, in building
    order): there the window costs nothing, while on an indexed list it would read every row that
    the LIMIT spares. A page past the end has no row to carry the count: it is counted apart."""
    rows = db.session.execute(
        query.add_columns(func.count().over()).limit(per_page).offset((number - 1) * per_page)
    ).all()
    if not rows:  # past the end: the page is empty, only the count is missing
        return Page(items=[], number=number, per_page=per_page, total=count_of(query))
    return Page(items=[row[0] for row in rows], number=number, per_page=per_page, total=rows[0][1])


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one): pager and
    language links keep the reader's filters. Underscore arguments are dropped, since url_for
    would read them as its own options (_external, _scheme, _anchor)."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    if request.endpoint is None:  # an unknown path's 404 page: stay on it
        return request.path + ("?" + urlencode(args, doseq=True) if args else "")
    view_args = request.view_args or {}
    return url_for(request.endpoint, **view_args, **{k: v for k, v in args.items() if k not in view_args})
