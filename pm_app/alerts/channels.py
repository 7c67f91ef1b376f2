"""Sending one delivery: email over SMTP, or a webhook speaking plain JSON or the group-robot
formats of WeCom (企业微信) and DingTalk (钉钉), where Chinese offices read their alerts."""

from __future__ import annotations

import json
import smtplib
import unicodedata
import urllib.error
import urllib.request
from email.message import EmailMessage

from flask import current_app

from pm_app.alerts import labels, notices
from pm_app.alerts.models import Alert, Delivery

SEVERITY_ZH = {"info": "提示", "warning": "预警", "critical": "严重"}
# A subject longer than this is cut: mail clients show about 80 characters, and RFC 5322 lines end at 998.
HEADER_CHARS = 200


class DeliveryError(Exception):
    pass


def send(delivery: Delivery) -> None:
    """Send it, or raise DeliveryError saying why. An unexpected error in a channel is a failed
    delivery with that error recorded, never a worker that dies mid-send (which the outbox can
    only record as "worker stopped while sending")."""
    try:
        if delivery.channel == "email":
            send_email(delivery)
        elif delivery.channel == "webhook":
            send_webhook(delivery)
        else:
            raise DeliveryError(f"nothing to send for channel {delivery.channel}")
    except DeliveryError:
        raise
    except Exception as exc:  # noqa: BLE001  (recorded on the delivery, and logged with its trace)
        current_app.logger.exception("delivery %s failed", delivery.id)
        raise DeliveryError(f"{delivery.channel}: {type(exc).__name__}: {exc}") from exc


def header_text(value: str, limit: int = HEADER_CHARS) -> str:
    """A mail header from data (a ticket's description is in alert titles): control characters and
    line or paragraph separators become spaces, runs of blanks one space, at most `limit` characters.
    A line break in a header is refused by the email package (and would be header injection)."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(alert: Alert) -> str:
    kind = notices.KINDS_ZH.get(alert.rule)
    lines = [
        f"【长效·{SEVERITY_ZH.get(alert.severity, alert.severity)}】{alert.title}",
        f"类型: {kind or labels.in_chinese(labels.rule_label, alert.rule)}",
    ]
    if alert.stage:
        lines.append(f"阶段: {labels.in_chinese(labels.stage_label, alert.stage)}")
    if alert.due_on:
        lines.append(f"到期日: {alert.due_on}")
    link = notices.absolute_link(alert, current_app.config.get("PUBLIC_BASE_URL")) if kind else None
    if link:
        lines.append(f"查看: {link}")
    return "\n".join(lines)


def send_email(delivery: Delivery) -> None:
    send_mail(delivery.endpoint.target, f"[长效] {delivery.alert.title}", text_of(delivery.alert), delivery.id)


def send_mail(target: str, subject: str, body: str, delivery_id: int) -> None:
    """One message to an endpoint's comma-separated addresses (an alert's, or a digest's)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise DeliveryError("email is not configured (SMTP_HOST)")
    message = EmailMessage()
    message["From"] = header_text(config["SMTP_FROM"])
    message["To"] = header_text(", ".join(a.strip() for a in target.split(",") if a.strip()), 998)
    message["Subject"] = header_text(subject)
    message["X-Changxiao-Delivery"] = str(delivery_id)
    message.set_content(body)
    smtp_send(message)


def smtp_send(message: EmailMessage) -> None:
    """Hand `message` to the configured server (SMTP_*); any failure is a DeliveryError."""
    config = current_app.config
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP: {exc}") from exc


def webhook_body(fmt: str, alert: Alert, delivery_id: int) -> dict:
    text = text_of(alert)
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": alert.title[:64], "text": text}}
    return {
        "delivery_id": delivery_id,
        "alert": {
            "id": alert.id,
            "rule": alert.rule,
            "subject_type": alert.subject_type,
            "subject_id": alert.subject_id,
            "compound_id": alert.compound_id,
            "stage": alert.stage,
            "severity": alert.severity,
            "title": alert.title,
            "due_on": alert.due_on.isoformat() if alert.due_on else None,
            "dedup_key": alert.dedup_key,
        },
    }


def send_webhook(delivery: Delivery) -> None:
    endpoint = delivery.endpoint
    post_json(endpoint.target, webhook_body(endpoint.format, delivery.alert, delivery.id), delivery.id)


def post_json(url: str, body: dict, delivery_id: int) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "X-Changxiao-Delivery": str(delivery_id)},
    )
    try:
        with urllib.request.urlopen(request, timeout=current_app.config.get("WEBHOOK_TIMEOUT", 5)) as response:
            reply = response.read(65536)
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"webhook: {exc}") from exc
    _check_robot_reply(reply)


def _check_robot_reply(reply: bytes) -> None:
    # WeCom and DingTalk answer 200 with {"errcode": n}; anything but 0 is a failure.
    try:
        data = json.loads(reply or b"{}")
    except ValueError:
        return
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        raise DeliveryError(f"webhook refused: errcode {data.get('errcode')} {data.get('errmsg', '')}")
