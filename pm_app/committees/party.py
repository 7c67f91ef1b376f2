"""A compound's party organisation (党组织) and 红色物业 record, kept by its street office (the
office that registers its committees). Seed 001: "通过单独建或联合建方式，基本实现老旧小区党组织全覆盖"
and "因地制宜创新“红色物业”托管"; seed 002: "条件成熟的小区可以建立党支部". The coverage report
counts them beside the committees (coverage.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pm_app.committees.models import PartyRecord
from pm_app.committees.services import can_register
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.org.services import ensure


def record_of(compound_id: int) -> PartyRecord:
    """The compound's record; an unsaved blank one (neither) when none was kept."""
    return db.session.get(PartyRecord, compound_id) or PartyRecord(
        compound_id=compound_id, party_organisation=False, red_property=False
    )


def keep_record(user, compound: Compound, data: dict) -> PartyRecord:
    ensure(can_register(user, compound), _l("keep this compound's party organisation record"))
    record = db.session.get(PartyRecord, compound.id)
    if record is None:
        record = PartyRecord(compound_id=compound.id)
        db.session.add(record)
    record.party_organisation = bool(data["party_organisation"])
    record.red_property = bool(data["red_property"])
    record.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    return record
