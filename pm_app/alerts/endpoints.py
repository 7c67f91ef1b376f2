"""Where an organisation's alerts go beyond the inbox, set up by its own people on a page: which
organisations a user speaks for, what a target may be, removing one, and a test message.

The API (`/api/v1/notification-endpoints`) is the administrator's, who may point a webhook at an
internal http address. A page is open to every role for its own organisation, so what it accepts
is narrower: the server itself posts to the address, and an officer must not be able to make it
call the intranet. Webhooks are https to a public host name (no IP literal, no localhost or
internal names), and a WeCom or DingTalk robot must be on that service's own robot host."""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from pm_app.alerts.channels import DeliveryError, _check_robot_reply, header_text, smtp_send
from pm_app.alerts.models import Delivery, NotificationEndpoint
from pm_app.auth.models import Role
from pm_app.extensions import db

# What the page offers, and the (channel, format) each is stored as.
KINDS = {
    "email": ("email", "json"),
    "wecom": ("webhook", "wecom"),
    "dingtalk": ("webhook", "dingtalk"),
    "json": ("webhook", "json"),
}
KIND_LABELS = {
    "email": _l("E-mail"),
    "wecom": _l("WeCom group robot (企业微信)"),
    "dingtalk": _l("DingTalk group robot (钉钉)"),
    "json": _l("Other system (JSON webhook)"),
}
ROBOT_HOSTS = {"wecom": "qyapi.weixin.qq.com", "dingtalk": "oapi.dingtalk.com"}
MAX_ADDRESSES = 10
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII)
_INTERNAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".intranet", ".corp", ".home")


def kind_of(endpoint: NotificationEndpoint) -> str:
    return "email" if endpoint.channel == "email" else endpoint.format


def organisations(user) -> list[tuple[str, int, str]]:
    """(audience, org_id, name) of each organisation whose alerts this user receives: the
    recipients services.recipient_clause matches for them. An administrator also sets them up for
    the regulator and every street office."""
    from pm_app.org.models import Compound, Firm, Street

    if user.role == Role.admin:
        streets = db.session.scalars(select(Street).order_by(Street.name))
        return [("admin", 0, _("System administrators")), ("regulator", 0, _("City housing bureau (regulator)"))] + [
            ("street", s.id, _("%(street)s street office", street=s.name)) for s in streets
        ]
    if user.role == Role.regulator:
        return [("regulator", 0, _("City housing bureau (regulator)"))]
    if user.role == Role.street_officer:
        return [("street", s.id, _("%(street)s street office", street=s.name)) for s in user.streets]
    if user.role in (Role.firm_staff, Role.contractor_staff) and user.firm_id:
        firm = db.session.get(Firm, user.firm_id)
        return [("firm" if user.role == Role.firm_staff else "contractor", firm.id, firm.name)]
    if user.role == Role.committee_member and user.compound_id:
        compound = db.session.get(Compound, user.compound_id)
        return [("committee", compound.id, _("Owners' committee of %(compound)s", compound=compound.name))]
    return []


def own_endpoints(user):
    """The endpoints of the user's organisations (an administrator's: all of them)."""
    query = select(NotificationEndpoint).order_by(
        NotificationEndpoint.audience, NotificationEndpoint.org_id, NotificationEndpoint.channel
    )
    if user.role == Role.admin:
        return query
    orgs = [
        (NotificationEndpoint.audience == a) & (NotificationEndpoint.org_id == o) for a, o, _n in organisations(user)
    ]
    return query.where(or_(*orgs)) if orgs else query.where(NotificationEndpoint.id.is_(None))


def own_endpoint(user, endpoint_id: int) -> NotificationEndpoint | None:
    return db.session.scalar(own_endpoints(user).where(NotificationEndpoint.id == endpoint_id))


def target_problem(kind: str, target: str):
    """Why the page refuses this target, or None."""
    if kind == "email":
        addresses = [a.strip() for a in re.split(r"[,;，；\s]+", target) if a.strip()]
        if not addresses:
            return _l("Write at least one e-mail address.")
        if len(addresses) > MAX_ADDRESSES:
            return _l("At most %(n)d addresses.", n=MAX_ADDRESSES)
        bad = next((a for a in addresses if not _EMAIL.fullmatch(a)), None)
        return _l("%(address)s is not an e-mail address.", address=bad) if bad else None
    parts = urlsplit(target)
    if parts.scheme != "https" or not parts.hostname:
        return _l("Write the full https:// address of the robot.")
    host = parts.hostname.lower()
    if kind in ROBOT_HOSTS and host != ROBOT_HOSTS[kind]:
        return _l(
            "A %(kind)s robot's address starts with https://%(host)s/", kind=KIND_LABELS[kind], host=ROBOT_HOSTS[kind]
        )
    if _internal(host) or parts.username or parts.password:
        return _l("The address must be a public host name, not an internal or IP address.")
    return None


def _internal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True  # any IP literal: the page takes names only (a private address hides behind none)
    except ValueError:
        pass
    return "." not in host or host == "localhost" or host.endswith(_INTERNAL_SUFFIXES)


def clean_target(kind: str, target: str) -> str:
    if kind == "email":
        return ", ".join(a.strip() for a in re.split(r"[,;，；\s]+", target) if a.strip())
    return target.strip()


def delete_endpoint(endpoint: NotificationEndpoint) -> None:
    """Remove it. Deliveries already sent keep their record without it; those still waiting are
    failed with the reason, not sent to an address its owners took away."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint.id, Delivery.state.in_(("pending", "held")))
        .values(state="failed", last_error="endpoint removed before sending")
    )
    db.session.execute(update(Delivery).where(Delivery.endpoint_id == endpoint.id).values(endpoint_id=None))
    db.session.delete(endpoint)
    db.session.flush()


def send_test(endpoint: NotificationEndpoint) -> None:
    """Send a test message now, or raise DeliveryError saying why (nothing is recorded)."""
    text = _("This is a test message from Changxiao: alerts of your organisation will arrive here.")
    if endpoint.channel == "email":
        _email(endpoint.target, text)
        return
    body = {
        "wecom": {"msgtype": "text", "text": {"content": text}},
        "dingtalk": {"msgtype": "text", "text": {"content": text}},
    }.get(endpoint.format, {"test": True, "text": text})
    request = urllib.request.Request(
        endpoint.target,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with _NO_REDIRECTS.open(request, timeout=current_app.config.get("WEBHOOK_TIMEOUT", 5)) as response:
            reply = response.read(65536)
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(str(exc)) from exc
    _check_robot_reply(reply)


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect could lead the server's own request anywhere: a 3xx is a failure


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def _email(target: str, text: str) -> None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise DeliveryError(_("e-mail is not configured on this server (SMTP_HOST)"))
    message = EmailMessage()
    message["From"] = header_text(config["SMTP_FROM"])
    message["To"] = header_text(target, 998)
    message["Subject"] = header_text(_("[长效] Test message"))
    message.set_content(text)
    smtp_send(message)
