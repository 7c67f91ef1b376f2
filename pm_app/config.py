"""Configuration classes: the only module that reads environment variables.

Every setting is an environment variable (the README's table). A deployment may also write them
in a TOML file named by PM_APP_CONFIG (deploy/pm-app.toml.example): one `NAME = value` line per
setting, by the same names; a variable set in the environment wins over the file. A name in the
file that no setting reads stops the app at start, naming it (a typo must not pass silently).
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _load_file(path: str | None) -> None:
    if not path:
        return
    try:
        with open(path, "rb") as handle:
            settings = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuntimeError(f"PM_APP_CONFIG: cannot read {path}: {exc}") from None
    known = _known_names()
    for name, value in settings.items():
        if name not in known:
            raise RuntimeError(f"PM_APP_CONFIG: {path} sets {name}, which is not a setting")
        if isinstance(value, bool):
            value = "1" if value else "0"
        os.environ.setdefault(name, str(value))


def _known_names() -> set[str]:
    """Every variable this module reads, by the calls that read one (os.environ.get, the helpers)."""
    source = Path(__file__).read_text(encoding="utf-8")
    calls = r'(?:environ\.get|environ\[|_non_negative_int|_networks|_at_least)\(?\s*"([A-Z][A-Z0-9_]+)"'
    return set(re.findall(calls, source))


_load_file(os.environ.get("PM_APP_CONFIG"))
# A source checkout keeps its data beside the code; an installed package uses the working directory.
_DEFAULT_INSTANCE = _ROOT / "instance" if (_ROOT / "pyproject.toml").exists() else Path.cwd() / "instance"
INSTANCE_DIR = Path(os.environ.get("PM_APP_INSTANCE") or _DEFAULT_INSTANCE).resolve()


def _secret_key(instance_dir: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts; in production
    (PM_APP_ENV=production) the key must be given: a key generated on one app machine would not
    be the others', and every session would end at the next machine the balancer picks."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("PM_APP_ENV") == "production":
        raise RuntimeError(
            "SECRET_KEY must be set in production (PM_APP_ENV=production): "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(value: str | None, instance_dir: Path) -> str:
    url = value or f"sqlite:///{instance_dir / 'pm_app.db'}"
    # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _non_negative_int(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    if not value.isascii() or not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def _at_least(name: str, default: str, low: int) -> int:
    value = _non_negative_int(name, default)
    if value < low:
        raise RuntimeError(f"{name} must be at least {low} (it is {value})")
    return value


def _networks(name: str, default: str) -> tuple:
    """ "10.0.0.0/8, 127.0.0.1" → networks; a wrong entry stops the app at start, naming it."""
    import ipaddress

    found = []
    for item in filter(None, (part.strip() for part in os.environ.get(name, default).split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise RuntimeError(f"{name}: {item!r} is not an address or network ({exc})") from None
    return tuple(found)


def _base_url(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("http://", "https://")) or any(ch in value for ch in " \t\r\n?#"):
        raise RuntimeError(f"PUBLIC_BASE_URL must be an http(s):// address without query, not {value!r}")
    return value.rstrip("/")


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    TIMEZONE = "Asia/Shanghai"
    DEMO_MODE = False

    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"), INSTANCE_DIR)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL connections (engine_options): per process; gunicorn's workers × (size + overflow)
    # must stay under the server's max_connections (or PgBouncer's pool, docs/scaling.md).
    DB_POOL_SIZE = _non_negative_int("PM_APP_DB_POOL_SIZE", "5")
    DB_MAX_OVERFLOW = _non_negative_int("PM_APP_DB_MAX_OVERFLOW", "10")
    # The longest one SQL statement may run, in ms (0: no limit); 60000 matches gunicorn's timeout.
    DB_STATEMENT_TIMEOUT_MS = _non_negative_int("PM_APP_DB_STATEMENT_TIMEOUT_MS", "0")
    # How the app's sessions are named in pg_stat_activity.
    DB_APPLICATION_NAME = os.environ.get("PM_APP_DB_APPLICATION_NAME", "changxiao")
    # A streaming replica of the database for the dashboards' reads (common/replica.py,
    # docs/scaling.md); unset, they read the primary like everything else.
    DATABASE_REPLICA_URL = (
        _database_url(os.environ.get("DATABASE_REPLICA_URL"), INSTANCE_DIR)
        if os.environ.get("DATABASE_REPLICA_URL")
        else None
    )
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The API's reads cached in Redis, exact by table versions (pm_app/common/api_cache.py); this is
    # also the longest an answer lives, which bounds what only the clock changes. 0 turns it off.
    API_CACHE_SECONDS = int(os.environ.get("PM_APP_API_CACHE_SECONDS", "30"))
    API_CACHE_MAX_BYTES = 512 * 1024
    # rq with Redis, else in-process threads; tests use "sync" so a job's effects are visible at once.
    JOBS_MODE = os.environ.get("PM_APP_JOBS_MODE") or None

    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_FROM = os.environ.get("SMTP_FROM", "changxiao@localhost")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS") == "1"
    WEBHOOK_TIMEOUT = 5

    MAX_CONTENT_LENGTH = int(os.environ.get("PM_APP_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # An XLSX upload whose parts unpack to more than this is refused before parsing (zip bombs).
    IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("PM_APP_IMPORT_MAX_UNZIPPED_MB", "200"))
    # An API upload of more rows than this (estimated from the file) is imported by a background
    # job and answered 202 with the job; a smaller one at once, 201 or 422 (jobs/imports.py).
    IMPORT_INLINE_ROWS = _non_negative_int("PM_APP_IMPORT_INLINE_ROWS", "2000")

    # The public report form and tracking page (no account): limits per client address.
    # A Redis outage must not stop residents reporting: fall back to counting in memory.
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    PUBLIC_REPORT_LIMIT = os.environ.get("PM_APP_PUBLIC_REPORT_LIMIT", "5 per hour;20 per day")
    PUBLIC_TRACK_LIMIT = os.environ.get("PM_APP_PUBLIC_TRACK_LIMIT", "30 per minute")
    # Ticket photos: stored under this folder (default: <instance>/attachments), checked by content.
    ATTACHMENTS_DIR = os.environ.get("PM_APP_ATTACHMENTS_DIR") or None
    TICKET_PHOTO_MAX_BYTES = int(os.environ.get("PM_APP_PHOTO_MAX_MB", "5")) * 1024 * 1024
    TICKET_PHOTOS_PER_TICKET = 6

    # Fees. A bill is due on this day of the month this many months after the billed one
    # (clamped to the month's end: 31 means "the last day"); the default is the billed month's end.
    FEE_DUE_DAY_OF_MONTH = int(os.environ.get("PM_APP_FEE_DUE_DAY", "31"))
    FEE_DUE_MONTHS_AFTER = int(os.environ.get("PM_APP_FEE_DUE_MONTHS_AFTER", "0"))
    # fee_collection_low fires below this amount rate; fee_collection_drop at this many points
    # below the mean of the three periods before.
    FEE_COLLECTION_LOW_THRESHOLD = os.environ.get("PM_APP_FEE_LOW_THRESHOLD", "0.80")
    FEE_COLLECTION_DROP_POINTS = int(os.environ.get("PM_APP_FEE_DROP_POINTS", "10"))
    # committee_missing fires for a compound accepted this many days ago without a committee.
    COMMITTEE_MISSING_DAYS = int(os.environ.get("PM_APP_COMMITTEE_MISSING_DAYS", "365"))
    # firm_withdrawn fires when a compound served by a firm has had no managing body for more than
    # this many days after the firm's last contract ended (issue 26, seed 002's 撤离弃管).
    FIRM_WITHDRAWN_DAYS = int(os.environ.get("PM_APP_FIRM_WITHDRAWN_DAYS", "30"))

    # Compound health (pm_app/dashboards/health.py): the weight of each part in the 0–100 score,
    # and the figures at which a falling part reaches 0. Override either dict in part or in full.
    HEALTH_WEIGHTS = {
        "collection": 30,
        "overdue_tickets": 20,
        "warranties": 15,
        "committee": 15,
        "management": 10,
        "alerts": 10,
    }
    HEALTH_LIMITS = {"overdue_per_100": 5, "warranty_items": 10, "alerts": 5}

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("zh", "en")

    API_TITLE = "Changxiao API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
    API_TOKEN_TTL_HOURS = 24 * 7

    # How many reverse proxies stand in front of the app (nginx alone: 1). Their X-Forwarded-For and
    # X-Forwarded-Proto then give the client's address (every per-address limit) and the scheme
    # (HSTS, Secure cookies). 0: not behind a proxy, and those headers are ignored (anyone can send them).
    TRUSTED_PROXY_COUNT = _non_negative_int("PM_APP_TRUSTED_PROXY_COUNT", "0")
    # The address residents reach the app at ("https://baoxiu.example.gov.cn"): every absolute URL
    # the app prints (the QR poster) starts with it, whatever Host header a request carried.
    PUBLIC_BASE_URL = _base_url(os.environ.get("PUBLIC_BASE_URL"))
    # The city a city-level deployment serves (issue 30): migration a30a00000014 creates it and puts
    # the existing districts in it. A province deployment adds its other cities from the admin pages.
    CITY_NAME = os.environ.get("PM_APP_CITY_NAME", "本市")
    # Logs (common/logs.py): "text" for a person at a terminal, "json" (one object a line) for a
    # log collector; every line carries the request id either way.
    LOG_FORMAT = os.environ.get("PM_APP_LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("PM_APP_LOG_LEVEL", "INFO")
    # Retention (jobs/retention.py, daily): the audit trail at least six months (the database
    # refuses less: a29a00000011), archived as gzip JSON lines before removal; expired API tokens;
    # outbox deliveries sent long ago. Failed and pending deliveries are never removed.
    AUDIT_KEEP_DAYS = _at_least("PM_APP_AUDIT_KEEP_DAYS", "365", 183)
    AUDIT_ARCHIVE_DIR = os.environ.get("PM_APP_AUDIT_ARCHIVE_DIR") or str(INSTANCE_DIR / "archive")
    TOKEN_PURGE_DAYS = _non_negative_int("PM_APP_TOKEN_PURGE_DAYS", "7")
    OUTBOX_KEEP_DAYS = _non_negative_int("PM_APP_OUTBOX_KEEP_DAYS", "90")
    # Who may read /metrics (Prometheus' scrapers): addresses or networks, comma-separated.
    METRICS_ALLOW = _networks("PM_APP_METRICS_ALLOW", "127.0.0.1, ::1")
    # Error reports (common/error_reports.py): with no DSN nothing is sent and sentry-sdk is not
    # even imported. The environment's name tells one deployment's reports from another's.
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT") or os.environ.get("PM_APP_ENV") or "production"
    # Where the reports go; None is the SDK's own HTTP transport (tests keep them in memory).
    SENTRY_TRANSPORT = None

    SESSION_COOKIE_HTTPONLY = True
    # Secure always when PM_APP_HTTPS=1; otherwise whenever the request itself came over HTTPS.
    SESSION_COOKIE_SECURE = os.environ.get("PM_APP_HTTPS") == "1"
    # Strict-Transport-Security on HTTPS answers (behind a proxy: TRUSTED_PROXY_COUNT and X-Forwarded-Proto).
    HSTS_SECONDS = int(os.environ.get("PM_APP_HSTS_SECONDS", str(180 * 24 * 3600)))
    SESSION_IDLE_MINUTES = int(os.environ.get("PM_APP_SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("PM_APP_SESSION_MAX_HOURS", "12"))
    # Failed sign-ins (page and API together): per (address, username) — guessing one password
    # from elsewhere never locks the real user out — and per address (trying many users).
    LOGIN_LIMIT_USER = os.environ.get("PM_APP_LOGIN_LIMIT_USER", "5 per 15 minutes")
    LOGIN_LIMIT_ADDRESS = os.environ.get("PM_APP_LOGIN_LIMIT_ADDRESS", "30 per 15 minutes")
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    @classmethod
    def secret_key(cls) -> str:
        return _secret_key(cls.INSTANCE_DIR)


class DemoConfig(Config):
    DEMO_MODE = True


class TestConfig(Config):
    TESTING = True
    # The suite runs on SQLite unless a database URL is given; CI gives PostgreSQL.
    # None means "a fresh SQLite file per run": tests/conftest.py picks a temporary path.
    _url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    SQLALCHEMY_DATABASE_URI = _database_url(_url, INSTANCE_DIR) if _url else None
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or None
    REQUIRE_SERVICES = os.environ.get("PM_APP_REQUIRE_SERVICES") == "1"
    DATABASE_REPLICA_URL = None  # a test that wants a replica sets one (tests/common/test_replica.py)
    SENTRY_DSN = None  # the suite never reports; tests/common/test_error_reports.py sets its own
    JOBS_MODE = "sync"
    API_CACHE_SECONDS = 0  # each test's rolled-back data must not meet another's answers; tests/common turn it on
    SMTP_HOST = None
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_STORAGE_URI = "memory://"  # each test starts from zero (tests reset the limiter)
    TICKET_PHOTO_MAX_BYTES = 256 * 1024

    @classmethod
    def secret_key(cls) -> str:
        return cls.SECRET_KEY


def binds(config) -> dict:
    """Flask-SQLAlchemy's extra engines: the replica (common/replica.py) when
    DATABASE_REPLICA_URL is set, with the primary's pool, timeout and application name."""
    found = dict(config.get("SQLALCHEMY_BINDS") or {})
    url = config.get("DATABASE_REPLICA_URL")
    if url:
        found["replica"] = {"url": url, **engine_options(url, config)}
    return found


def engine_options(uri: str, config) -> dict:
    """SQLAlchemy's engine options for `uri`: the pool, statement timeout and application name
    apply to PostgreSQL (SQLite has no server to tell)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("postgresql"):
        startup = f"-c statement_timeout={int(config['DB_STATEMENT_TIMEOUT_MS'])}"
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
        options.setdefault("connect_args", {"application_name": config["DB_APPLICATION_NAME"][:63], "options": startup})
    return options
