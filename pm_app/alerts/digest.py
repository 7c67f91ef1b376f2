"""The daily digest: an endpoint set to `digest: daily` gets one message a day listing the alerts
opened since its last digest, grouped by rule and compound as on the inbox page, instead of a
message per alert.

Its deliveries are written with each alert as usual, in state `held` (services.open_alerts); the
relay never sends those. Once a day (pm_app/alerts/schedule.py, 08:00 city time, after the morning sweeps)
`send_digests` claims each endpoint's held deliveries (held → sending, committed before anything
leaves, as the outbox does) and sends them as one message. A missed day is caught up by the next
run, which finds everything still held; a second run the same day finds nothing held and sends
nothing. A failed send puts them back on hold for the next day, up to outbox.MAX_ATTEMPTS.
Alerts resolved before the digest leaves are not listed (their deliveries are marked sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from pm_app.alerts import channels, labels, outbox
from pm_app.alerts.grouping import add_context
from pm_app.alerts.models import Alert, Delivery, NotificationEndpoint
from pm_app.common.clock import CITY_TZ, now
from pm_app.extensions import db
from pm_app.org.models import Compound


@dataclass
class DigestGroup:
    rule: str
    compound_id: int | None
    compound: str | None
    alert_ids: list[int]
    severity: str
    earliest_due: date | None
    context: tuple[str, list[str]] | None = None  # as on the page: ("项目", [names])

    def line(self) -> str:
        rule = labels.in_chinese(labels.rule_label, self.rule)
        head = f"{self.compound}：" if self.compound else ""
        about = (
            f"（{self.context[0]}：{'、'.join(self.context[1][:3])}{'…' if len(self.context[1]) > 3 else ''}）"
            if self.context
            else ""
        )
        text = (
            f"{head}{len(self.alert_ids)} 条「{rule}」{about}· {channels.SEVERITY_ZH.get(self.severity, self.severity)}"
        )
        return text + (f" · 最早 {self.earliest_due} 到期" if self.earliest_due else "")


def endpoints_due() -> list[int]:
    """Endpoints with held deliveries, whatever their setting now (switching back to `none`
    still sends what was held)."""
    return list(
        db.session.scalars(
            select(Delivery.endpoint_id).where(Delivery.state == "held").distinct().order_by(Delivery.endpoint_id)
        )
    )


def claim(endpoint_id: int, at: datetime | None = None) -> list[int]:
    """held → sending for this endpoint's deliveries; the caller commits before sending."""
    return list(
        db.session.scalars(
            update(Delivery)
            .where(Delivery.endpoint_id == endpoint_id, Delivery.state == "held")
            .values(state="sending", claimed_at=at or now(), attempts=Delivery.attempts + 1)
            .returning(Delivery.id)
        )
    )


def groups_of(alerts: list[Alert]) -> list[DigestGroup]:
    """As the inbox groups them: rule × compound, most severe first, then the earliest due."""
    names = (
        dict(
            db.session.execute(
                select(Compound.id, Compound.name).where(
                    Compound.id.in_({a.compound_id for a in alerts if a.compound_id})
                )
            ).all()
        )
        if alerts
        else {}
    )
    found: dict[tuple, DigestGroup] = {}
    members: dict[tuple, list[Alert]] = {}
    for alert in sorted(alerts, key=lambda a: a.id):
        members.setdefault((alert.rule, alert.compound_id), []).append(alert)
        group = found.setdefault(
            (alert.rule, alert.compound_id),
            DigestGroup(alert.rule, alert.compound_id, names.get(alert.compound_id), [], alert.severity, alert.due_on),
        )
        group.alert_ids.append(alert.id)
        if labels.SEVERITY_RANK.get(alert.severity, 0) > labels.SEVERITY_RANK.get(group.severity, 0):
            group.severity = alert.severity
        if alert.due_on and (group.earliest_due is None or alert.due_on < group.earliest_due):
            group.earliest_due = alert.due_on
    with force_locale("zh"):  # the context's label ("项目"), read by whoever gets the message
        add_context(list(found.values()), lambda g: members[(g.rule, g.compound_id)])
    return sorted(
        found.values(),
        key=lambda g: (-labels.SEVERITY_RANK.get(g.severity, 0), g.earliest_due or date.max, g.rule, g.compound or ""),
    )


def text_of(groups: list[DigestGroup], day: date) -> str:
    total = sum(len(g.alert_ids) for g in groups)
    lines = [f"【长效·每日预警汇总】{day}", f"新预警 {total} 条，共 {len(groups)} 组："]
    lines += [f"- {g.line()}" for g in groups]
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        lines.append(f"查看: {base.rstrip('/')}/alerts")
    return "\n".join(lines)


def body_of(fmt: str, groups: list[DigestGroup], day: date, delivery_id: int) -> dict:
    text = text_of(groups, day)
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": f"每日预警汇总 {day}", "text": text}}
    return {
        "delivery_id": delivery_id,
        "digest": {
            "date": day.isoformat(),
            "total": sum(len(g.alert_ids) for g in groups),
            "groups": [
                {
                    "rule": g.rule,
                    "rule_label": labels.in_chinese(labels.rule_label, g.rule),
                    "compound_id": g.compound_id,
                    "compound": g.compound,
                    "count": len(g.alert_ids),
                    "about": {"label": g.context[0], "names": g.context[1]} if g.context else None,
                    "severity": g.severity,
                    "earliest_due": g.earliest_due.isoformat() if g.earliest_due else None,
                    "alert_ids": g.alert_ids,
                }
                for g in groups
            ],
        },
    }


def send(endpoint_id: int, delivery_ids: list[int], at: datetime | None = None) -> str:
    """Send the claimed deliveries as one message; sent, nothing (all resolved meanwhile) or held again."""
    at = at or now()
    endpoint = db.session.get(NotificationEndpoint, endpoint_id)
    deliveries = list(
        db.session.scalars(select(Delivery).where(Delivery.id.in_(delivery_ids)).options(selectinload(Delivery.alert)))
    )
    alerts = list({d.alert_id: d.alert for d in deliveries if d.alert.state != "resolved"}.values())
    state, error = "sent", None
    if alerts:
        groups, day = groups_of(alerts), at.astimezone(CITY_TZ).date()
        # The first delivery's id names the message, for the receiver to drop a repeat.
        try:
            if endpoint.channel == "email":
                total = sum(len(g.alert_ids) for g in groups)
                channels.send_mail(
                    endpoint.target, f"[长效] 每日预警汇总 {day}：{total} 条", text_of(groups, day), delivery_ids[0]
                )
            else:
                channels.post_json(
                    endpoint.target, body_of(endpoint.format, groups, day, delivery_ids[0]), delivery_ids[0]
                )
        except channels.DeliveryError as exc:
            state, error = "held", str(exc)[:2000]
        except Exception as exc:  # noqa: BLE001  (recorded, never a worker dying mid-send)
            current_app.logger.exception("digest for endpoint %s failed", endpoint_id)
            state, error = "held", f"{type(exc).__name__}: {exc}"[:2000]
    for delivery in deliveries:
        if state == "sent":
            delivery.state, delivery.sent_at, delivery.last_error = "sent", at, None
        else:
            delivery.state = "failed" if delivery.attempts >= outbox.MAX_ATTEMPTS else "held"
            delivery.last_error = error
    db.session.flush()
    return state if alerts else "nothing"
