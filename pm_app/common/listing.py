"""Paged lists for HTML pages: one COUNT and one LIMIT/OFFSET query, whatever the table size."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask import abort, request, url_for
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select

from pm_app.common.pagination import paginate

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
    """The ?page= argument; 1 when absent, 400 when it is not a positive whole number."""
    raw = args.get(name) or "1"
    if not raw.isdigit() or int(raw) < 1:
        abort(400)
    return int(raw)


def day_arg(args, name: str) -> date | None:
    """An optional YYYY-MM-DD argument: None when absent, 400 when it is not a date."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def page_of(query: Select, number: int, per_page: int = PER_PAGE) -> Page:
    pagination = PaginationParameters(number, per_page)
    items = paginate(query, pagination)
    return Page(items=items, number=number, per_page=per_page, total=pagination.item_count)


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
