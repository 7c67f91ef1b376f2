"""Named helpers the tests share: an API client that speaks as a user, a statement counter, and
small builders."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from openpyxl import Workbook
from sqlalchemy import event

from pm_app.auth.services import issue_token
from pm_app.extensions import db


class ApiClient:
    def __init__(self, client, user=None):
        self.client = client
        self.user = user
        self._token = None

    def as_(self, user) -> ApiClient:
        return ApiClient(self.client, user)

    def _headers(self, extra=None) -> dict:
        headers = dict(extra or {})
        if self.user is not None:
            if self._token is None:
                self._token = issue_token(self.user)
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def request(self, method: str, path: str, **kwargs):
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        return self.client.open(path, method=method.upper(), **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """The SQL statements sent inside the block, in order: `with count_statements() as sent: …`,
    then `len(sent)`; for claims that a page or query costs the same however many rows there are."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def csv_bytes(rows, header) -> bytes:
    """An upload as CSV; None cells are left empty."""
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows, header) -> bytes:
    """An upload as an XLSX workbook, cells typed as given (numbers stay numbers)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
