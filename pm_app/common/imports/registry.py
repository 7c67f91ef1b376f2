"""The imports the job and preview pages can start, by name: what each is for and how to run it.

`run` is all or nothing and never commits: it raises DomainError(422) with problems keyed by row
number ("file", "more" besides) and otherwise returns the result as a dict. `progress(done, total)`
is called about every PROGRESS_EVERY rows and must not commit either (the caller's transaction
holds the rows written so far). `preview` reads the first rows as the import understands them and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from flask_babel import lazy_gettext as _l

PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Options:
    include_hidden: bool = False  # rows hidden in a workbook (households moved out) are skipped unless asked
    # The 12345 import only: {order number: compound id | "skip"} for orders the addresses did not place.
    assignments: dict | None = field(default=None, hash=False, compare=False)


ProgressFn = Callable[[int, int], None]  # (rows_done, rows_total); must not commit


@dataclass(frozen=True)
class ImportKind:
    name: str  # "households" | "bills" | "warranty_items" | "hotline"
    title: object  # lazy_gettext title
    target: str  # what the upload is for: "compound", "project", or "street" (None: all the caller's)
    run: Callable  # run(user, target_obj, stream, options, progress) -> dict
    preview: Callable  # preview(user, target_obj, stream, options, limit=20) -> dict


def _lazy(path: str) -> Callable:
    """A function named "module:function", imported on first call: the domains import this module's
    types, so importing theirs here at import time would go round in a circle."""
    module, name = path.split(":")

    def call(*args, **kwargs):
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = path
    return call


KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        ImportKind(
            "households",
            _l("Households"),
            "compound",
            _lazy("pm_app.org.imports:run"),
            _lazy("pm_app.org.imports:preview"),
        ),
        ImportKind(
            "bills",
            _l("Bills and payments"),
            "compound",
            _lazy("pm_app.fees.imports:run"),
            _lazy("pm_app.fees.imports:preview"),
        ),
        ImportKind(
            "warranty_items",
            _l("Warranty items"),
            "project",
            _lazy("pm_app.warranties.imports:run"),
            _lazy("pm_app.warranties.imports:preview"),
        ),
        ImportKind(
            "hotline",
            _l("12345 hotline orders"),
            "street",
            _lazy("pm_app.tickets.hotline:run"),
            _lazy("pm_app.tickets.hotline:preview"),
        ),
    )
}


def kind(name: str) -> ImportKind:
    """The import called `name`; KeyError for any other (the caller answers 404)."""
    return KINDS[name]
