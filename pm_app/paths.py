"""Where the page templates and the migrations are: beside the package in a checkout (an
editable install), inside it (pm_app/bundled/, copied by setup.py's build step) in a wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def _first(name: str) -> Path:
    for candidate in (CHECKOUT / name, PACKAGE / "bundled" / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no {name}/ beside pm_app nor in pm_app/bundled: a broken install")


def templates() -> Path:
    return _first("templates")


def migrations() -> Path:
    return _first("migrations")
