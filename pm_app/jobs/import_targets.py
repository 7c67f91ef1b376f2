"""What each import is for, seen from the pages and the jobs: the object it fills (a compound, a
project, a street), who may import into it, and the pages around it. The domains register these
(their import_views.py, like the job runners), since tracked jobs sit below them; the rows
themselves are the domains' too (common.imports.registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pm_app.auth.models import Role
from pm_app.jobs.scope import organisation_of


@dataclass(frozen=True)
class Target:
    obj: object | None  # the compound, project or street; None: the 12345 import over all the caller's
    name: str  # what the pages call it
    street_id: int | None = None  # the street office the import's job belongs to, for a street officer


@dataclass(frozen=True)
class Rules:
    load: Callable  # load(target_id, user) -> Target: 404 if unseen, 403 if it may not import
    page: Callable  # page(target_id) -> the upload page's URL
    back: Callable  # back(target_id) -> the page the rows end up on


RULES: dict[str, Rules] = {}


def register(kind_name: str, load: Callable, page: Callable, back: Callable) -> None:
    RULES[kind_name] = Rules(load, page, back)


def load(kind_name: str, target_id: int | None, user) -> Target:
    return RULES[kind_name].load(target_id, user)


def organisation(user, target: Target) -> tuple[str, int | None]:
    """The organisation the import's job belongs to, besides its creator: the street office of the
    target for a street officer (whichever of its streets come first otherwise), else the caller's."""
    if user.role == Role.street_officer and target.street_id:
        return "street", target.street_id
    return organisation_of(user)


def page_url(kind_name: str, target_id: int | None) -> str:
    return RULES[kind_name].page(target_id)


def back_url(kind_name: str, target_id: int | None) -> str:
    return RULES[kind_name].back(target_id)
