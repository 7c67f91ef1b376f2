"""The rules registry. A rule is a function of the sweep date that returns everything that is
due now (a Finding per subject and stage); the sweep engine opens what is new, moves staged
alerts along and resolves what has cleared. Rules stay SQL-sized: they select only due rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

Audience = tuple[str, int]  # ("street", street_id), ("regulator", 0) …


@dataclass(frozen=True)
class Finding:
    subject_type: str
    subject_id: int
    title: str
    severity: str = "warning"
    stage: str = ""
    compound_id: int | None = None
    firm_id: int | None = None
    due_on: date | None = None
    audiences: tuple[Audience, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Rule:
    name: str
    find: Callable[[date, datetime], list[Finding]]
    description: str


RULES: dict[str, Rule] = {}


def alert_rule(name: str, description: str):
    def register(find):
        RULES[name] = Rule(name, find, description)
        return find

    return register


def compound_audiences(street_id: int, compound_id: int, firm_id: int | None = None) -> tuple[Audience, ...]:
    """Who hears about a compound: its street office, its committee, the firm serving it."""
    audiences: list[Audience] = [("street", street_id), ("committee", compound_id)]
    if firm_id is not None:
        audiences.append(("firm", firm_id))
    return tuple(audiences)


# subject_type → (label, function of subject ids → {subject id: name}): what a group of alerts on
# the inbox and in a digest is also about beyond its compound ("工程：X"), registered by the domain.
GROUP_CONTEXT: dict[str, tuple[object, Callable[[list[int]], dict[int, str]]]] = {}


def group_context(subject_type: str, label):
    def register(fn):
        GROUP_CONTEXT[subject_type] = (label, fn)
        return fn

    return register
