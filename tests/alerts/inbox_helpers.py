"""Alerts made directly (no sweep) for the inbox, acknowledgement and digest tests."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pm_app.alerts.rules import Finding
from pm_app.alerts.services import open_alerts
from pm_app.extensions import db


def warranty_alerts(compound, street, count: int, first_id: int = 1, stage: str = "T-90") -> list[int]:
    """`count` warranty_expiring alerts of one compound, for its street office."""
    findings = {
        f"warranty_expiring:warranty_item:{i}:{stage}": Finding(
            "warranty_item",
            i,
            f"{compound.name}: 道路「宅间路{i}」质保期将届满",
            severity="warning",
            stage=stage,
            compound_id=compound.id,
            due_on=date(2027, 3, 1) + timedelta(days=i),
            audiences=(("street", street.id),),
        )
        for i in range(first_id, first_id + count)
    }
    ids = open_alerts("warranty_expiring", findings)
    db.session.commit()
    return ids


def visible_text(html: str) -> str:
    """What a reader sees: the page without tags (and so without attribute values)."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)
