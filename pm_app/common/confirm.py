"""Irreversible page actions take two posts: the first shows what will happen and asks, the
second (with confirm=1) does it. Server-side, so a script blocker, a double-click or a form sent
again from history cannot publish, reverse or forfeit on one click; the API is explicit and
does not ask."""

from __future__ import annotations

from flask import render_template, request


def confirmed() -> bool:
    return request.form.get("confirm") == "1"


def ask(title: str, consequence: str, back: str, button: str | None = None):
    """The confirmation page: what will happen, and the same fields posted again with confirm=1
    to the same address (what was typed — a reason, an amount — is carried, not retyped)."""
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", "confirm")
        for value in values
    ]
    return render_template(
        "confirm.html",
        title=title,
        consequence=consequence,
        fields=fields,
        back=back,
        action=request.full_path.rstrip("?"),
        button=button,
    )
