"""Scoring schemes as data: the defaults (design §2), the current version, and saving a new one.

A scheme is never edited in place: periods point at the version they were computed with, and a
published period also carries a copy of it. Saving a new version affects periods computed after.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import insert_or_conflict
from pm_app.rankings.models import ScoringScheme

# Indicator codes in the order pages show them.
INDICATORS = ("fee_collection", "on_time", "satisfaction", "complaints", "inspection")

DEFAULT_INDICATORS = {
    # received ÷ receivable of the period's bills: 60 % scores 0, 95 % and above 100
    "fee_collection": {"weight": "30", "floor": "0.6", "target": "0.95"},
    # share of the resolved tickets resolved by their deadline
    "on_time": {"weight": "20", "floor": "0.5", "target": "0.95"},
    # mean rating 1–5 of the tickets closed in the period
    "satisfaction": {"weight": "20", "floor": "3", "target": "5"},
    # 12345 hotline tickets per 100 households: 5 or more scores 0, none scores 100 (inverted)
    "complaints": {"weight": "15", "floor": "5", "target": "0"},
    # mean joint-inspection score, households weighting the compounds
    "inspection": {"weight": "15", "floor": "60", "target": "100"},
}
DEFAULT_BANDS = [
    {"grade": "AAA", "min": "90", "list": "red"},
    {"grade": "AA", "min": "80", "list": None},
    {"grade": "A", "min": "70", "list": None},
    {"grade": "B", "min": "60", "list": None},
    {"grade": "C", "min": "0", "list": "black"},
]
DEFAULTS = {"award_cap": Decimal(10), "appeal_days": 10, "min_households": 50}
LISTS = ("red", "black")


def current_scheme() -> ScoringScheme:
    """The latest version; the defaults become version 1 the first time one is needed."""
    latest = select(ScoringScheme).order_by(ScoringScheme.version.desc()).limit(1)
    scheme = db.session.scalar(latest)
    if scheme is None:
        scheme = ScoringScheme(
            version=1, indicators=DEFAULT_INDICATORS, bands=DEFAULT_BANDS, note="design §2 defaults", **DEFAULTS
        )
        try:
            insert_or_conflict(scheme, lambda: Conflict("version 1 exists"))
        except Conflict:  # a request beside this one made version 1 first (its version is unique)
            scheme = db.session.scalar(latest)
    return scheme


def save_scheme(user, data: dict) -> ScoringScheme:
    """A new version from `data` (fields left out are taken from the current version)."""
    base = current_scheme()
    indicators = _indicators(data.get("indicators", base.indicators))
    bands = _bands(data.get("bands", base.bands))
    version = (db.session.scalar(select(func.max(ScoringScheme.version))) or 0) + 1
    scheme = ScoringScheme(
        version=version,
        indicators=indicators,
        bands=bands,
        award_cap=data.get("award_cap", base.award_cap),
        appeal_days=data.get("appeal_days", base.appeal_days),
        min_households=data.get("min_households", base.min_households),
        note=data.get("note"),
        created_by_id=user.id,
    )
    return insert_or_conflict(
        scheme,
        lambda: Conflict(
            _("Another version of the scheme was saved at the same moment; reload it and save again."),
            {"version": [_("already exists")]},
        ),
    )


def _number(value, field: str, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("not a number")]
        return None
    if not number.is_finite():
        errors[field] = [_("not a number")]
        return None
    return number


def _indicators(given: dict) -> dict:
    errors: dict = {}
    result = {}
    if not isinstance(given, dict) or set(given) != set(INDICATORS):
        raise DomainError(
            _("Every indicator needs its weight, floor and target."),
            {"indicators": [_("give exactly: %(codes)s", codes=", ".join(INDICATORS))]},
        )
    for code in INDICATORS:
        entry = given[code] or {}
        weight, floor, target = (
            _number(entry.get(k), f"indicators.{code}.{k}", errors) for k in ("weight", "floor", "target")
        )
        if weight is not None and weight < 0:
            errors[f"indicators.{code}.weight"] = [_("may not be negative")]
        if floor is not None and target is not None and floor == target:
            errors[f"indicators.{code}.target"] = [_("must differ from the floor")]
        if not errors:
            result[code] = {"weight": str(weight), "floor": str(floor), "target": str(target)}
    if not errors and sum(Decimal(v["weight"]) for v in result.values()) <= 0:
        errors["indicators"] = [_("at least one weight must be above zero")]
    if errors:
        raise DomainError(_("The indicators are not valid."), errors)
    return result


def _bands(given: list) -> list:
    errors: dict = {}
    result = []
    if not isinstance(given, list) or not given:
        raise DomainError(_("Give the grade bands."), {"bands": [_("a list of bands, highest first")]})
    for n, band in enumerate(given):
        band = band or {}
        low = _number(band.get("min"), f"bands.{n}.min", errors)
        grade = str(band.get("grade") or "").strip()
        if not grade or len(grade) > 8:
            errors[f"bands.{n}.grade"] = [_("a grade of 1–8 characters")]
        if band.get("list") not in (None, "", *LISTS):
            errors[f"bands.{n}.list"] = [_("red, black or nothing")]
        if low is not None and result and low >= Decimal(result[-1]["min"]):
            errors[f"bands.{n}.min"] = [_("must be below the band before it")]
        result.append({"grade": grade, "min": str(low), "list": band.get("list") or None})
    if not errors and Decimal(result[-1]["min"]) != 0:
        errors[f"bands.{len(result) - 1}.min"] = [_("the lowest band must start at 0")]
    if not errors and len({b["grade"] for b in result}) != len(result):
        errors["bands"] = [_("each grade once")]
    if errors:
        raise DomainError(_("The grade bands are not valid."), errors)
    return result


def scheme_dict(scheme: ScoringScheme) -> dict:
    """What a published period keeps of the scheme it used."""
    return {
        "version": scheme.version,
        "indicators": scheme.indicators,
        "bands": scheme.bands,
        "award_cap": str(scheme.award_cap),
        "appeal_days": scheme.appeal_days,
        "min_households": scheme.min_households,
    }
