"""The daily retention run: the audit trail past its keeping time (archived first), expired API
tokens, long-sent outbox deliveries. Each part with its own setting (pm_app/config.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app

from jobs.runtime import job


@job("default", timeout=3600)
def purge() -> dict:
    from pm_app.alerts.retention import purge_sent_deliveries
    from pm_app.audit import retention as audit
    from pm_app.auth.retention import purge_expired_tokens
    from pm_app.common.clock import now

    config, at = current_app.config, now()
    return {
        "audit": audit.purge(at - timedelta(days=config["AUDIT_KEEP_DAYS"]), Path(config["AUDIT_ARCHIVE_DIR"])),
        "tokens": purge_expired_tokens(at - timedelta(days=config["TOKEN_PURGE_DAYS"])),
        "deliveries": purge_sent_deliveries(at - timedelta(days=config["OUTBOX_KEEP_DAYS"])),
    }
