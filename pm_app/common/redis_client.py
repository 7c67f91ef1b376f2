"""The app's Redis client as a Flask extension: create_app binds it, nothing connects until a
caller asks (the API cache, readiness, metrics, job health, the queues). Without `REDIS_URL` the
app runs jobs in-process and nobody asks."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

# The app's client lives under this key of app.extensions, built on first use; tests put a fake
# there, and dropping it makes the next caller connect again (to a changed REDIS_URL).
CLIENT_KEY = "pm_redis"


class RedisClient:
    def init_app(self, app: Flask) -> None:
        app.extensions["redis_client"] = self

    def connection(self) -> Redis:
        """Short timeouts: a request must never hang on a dead Redis."""
        ext = current_app.extensions
        if CLIENT_KEY not in ext:
            ext[CLIENT_KEY] = Redis.from_url(
                current_app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=2, health_check_interval=30
            )
        return ext[CLIENT_KEY]
