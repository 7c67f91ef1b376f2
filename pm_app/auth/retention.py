"""API tokens that expired more than a week ago are of no use to anyone: removed daily."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from pm_app.auth.models import ApiToken
from pm_app.extensions import db


def purge_expired_tokens(before: datetime) -> int:
    return db.session.execute(delete(ApiToken).where(ApiToken.expires_at < before)).rowcount or 0
