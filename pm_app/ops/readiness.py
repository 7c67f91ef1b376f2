"""`GET /readyz`: may this process take traffic? The database answers, its schema is at the
migrations' head (an app started before `pm-app db upgrade` finished is not ready), and Redis
answers when it is configured. 200 when all hold, 503 naming the failed check otherwise.

Unlike /healthz (liveness, touches nothing) this is for a deployment's rollout and for the
balancer's "ready" probe. It says which check failed, never why: the reason (a host name, a
driver message) is in the log, not in an answer anyone can read.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from pm_app.extensions import db

log = logging.getLogger(__name__)


@cache
def migration_heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def checks() -> dict[str, str]:
    found = {"database": "ok", "migrations": "ok"}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
        if current != migration_heads(current_app.extensions["migrate"].directory):
            found["migrations"] = "behind"
    except Exception:  # any failure to reach or read the database means "not ready"
        log.exception("readiness: the database check failed")
        found["database"] = found["migrations"] = "failed"
    if current_app.config.get("REDIS_URL"):
        found["redis"] = _redis()
    return found


def _redis() -> str:
    from redis.exceptions import RedisError

    from pm_app.extensions import redis_client

    try:
        redis_client.connection().ping()
        return "ok"
    except RedisError:
        log.exception("readiness: Redis did not answer")
        return "failed"
