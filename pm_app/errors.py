"""One error handler set: JSON {"code","message","errors"} under /api, HTML pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    503: "unavailable",
    429: "too_many_requests",
    500: "internal_error",
}


class DomainError(Exception):
    """A rule refused the request; services raise it, the handler turns it into JSON or a page."""

    status = 422
    code: str | None = None  # a more precise code than the status's (CODES), for clients to act on
    extra: dict | None = None  # fields beside code/message/errors in the JSON body

    def __init__(self, message: str, errors: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "Not found"):
        super().__init__(message)


def _flatten(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); callers want field → problems."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    locations = {"json", "query", "form", "files", "headers", "path", "view_args", "cookies"}
    if messages and set(messages) <= locations:
        flat: dict = {}
        for value in messages.values():
            flat.update(value if isinstance(value, dict) else {"_schema": value})
        return flat
    return messages


def _string_keys(errors):
    """Error keys as strings: a multipart part whose name the parser could not read arrives as None,
    and a JSON body must sort its keys (None < "" would raise while answering a 422)."""
    if isinstance(errors, dict):
        return {("?" if key is None else str(key)): _string_keys(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_string_keys(value) for value in errors]
    return errors


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int,
    message: str,
    errors: dict | None = None,
    headers=None,
    code: str | None = None,
    extra: dict | None = None,
):
    from pm_app.audit.denials import note_denial

    note_denial(status)  # 401, 403 and 404 on a route go into the audit trail
    errors = _string_keys(errors or {})
    if wants_json():
        # `code` and `extra`: a refusal a client acts on by name (the hotline's `unmatched_orders`).
        body = {
            "code": code or CODES.get(status, str(status)),
            "message": message,
            "errors": errors or {},
            **(extra or {}),
        }
        return body, status, headers or {}
    from pm_app.common.field_messages import field_label, translated

    # On a page, marshmallow's own English ("Not a valid integer.") in the reader's language; the
    # API keeps its messages as they are, for the clients that match on them.
    # and each field by its label ("工单"), never its key ("ticket_id")
    page = render_template(
        "errors/error.html", status=status, message=message, errors=translated(errors or {}), field_label=field_label
    )
    return page, status, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = _flatten(data["messages"]) if "messages" in data else {}
        message = data.get("message") or _message_for(error)
        # The exception's own headers (a 405's required Allow) under ours; its Content-Type is for its own page.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"} | (data.get("headers") or {})
        return error_response(error.code or 500, message, errors, headers)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        return error_response(error.status, error.message, error.errors, code=error.code, extra=error.extra)

    @app.errorhandler(ValidationError)
    def handle_validation(error: ValidationError):
        return error_response(422, _("Invalid input."), _flatten(error.messages))

    @app.errorhandler(OperationalError)
    def handle_database_gone(error: OperationalError):
        # PostgreSQL restarting or out of reach: a moment's outage, not a bug. Whatever the request
        # did is rolled back (or, if the connection broke during COMMIT, unknown): the caller should
        # retry, and a payment retried with the same Idempotency-Key is never recorded twice.
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig or error)
        _forget_broken_session()
        return error_response(
            503,
            _(
                "The database is unavailable for a moment. Please try again; a payment "
                "sent again with the same Idempotency-Key is recorded once."
            ),
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(DataError)
    @app.errorhandler(IntegrityError)
    @app.errorhandler(OverflowError)
    def handle_refused_by_database(error: Exception):
        # The input checks should have caught it (common.inputs); the database's own refusal is still
        # the caller's input, not our failure: a 4xx naming what the database named, after the
        # transaction is rolled back so that nothing is half-written and the page can still render.
        log.warning("database refused input on %s %s: %s", request.method, request.path, error)
        _forget_broken_session()
        field, problem = refused_field(error)
        status = 409 if isinstance(error, IntegrityError) and problem == "already exists" else 422
        return error_response(status, _("The database refused this value; check the field named."), {field: [problem]})

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        # Log the details for us; say nothing about them to the caller. The transaction is rolled
        # back first: the error page (base.html counts unread alerts) must not query an aborted one.
        log.exception("unhandled error on %s %s", request.method, request.path)
        _forget_broken_session()
        return error_response(500, _message_for(InternalServerError()))


def refused_field(error: Exception) -> tuple[str, str]:
    """(field, problem) as far as the database's message tells: a column or constraint name."""
    orig = getattr(error, "orig", None)
    diag = getattr(orig, "diag", None)
    column = getattr(diag, "column_name", None)
    constraint = getattr(diag, "constraint_name", None)
    text = str(orig if orig is not None else error)
    if isinstance(error, IntegrityError):
        lowered = text.lower()
        if "unique" in lowered or "duplicate" in lowered:
            problem = "already exists"
        elif "foreign key" in lowered:
            problem = "names something that does not exist"
        elif "not null" in lowered:
            problem = "is required"
        else:
            problem = "is not allowed here"
        detail = getattr(diag, "message_detail", None) or ""
        if column is None and detail.startswith("Key ("):  # PostgreSQL: "Key (name)=(…) already exists."
            column = detail[5:].split(")", 1)[0].split(",")[-1].strip() or None
        # SQLite: "... failed: table.col[, table.col2]". Of a composite key, the last column, as on
        # PostgreSQL: the scope comes first (district.city_id, district.name), the field typed last.
        if column is None and ": " in text and "constraint failed" in lowered:
            column = text.split(": ", 1)[1].split(",")[-1].split(".")[-1].strip() or None
        return column or constraint or "_schema", problem
    return column or "_schema", "is out of range"


def _forget_broken_session() -> None:
    from pm_app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection is gone; the pool replaces it on next checkout)
        log.debug("rollback after a lost connection failed", exc_info=True)


def _message_for(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The upload is too large."),
        422: _("Invalid input."),
        429: _("Too many requests; please wait and try again."),
        500: _("Something went wrong on our side; it has been logged."),
    }
    return messages.get(error.code or 500, error.description or "")
