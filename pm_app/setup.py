"""The register_* steps of create_app, each small enough to read at a glance."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

from pm_app import paths
from pm_app.common.api_contract import IdConverter
from pm_app.extensions import api, babel, csrf, db, limiter, login_manager, migrate, redis_client
from pm_app.security import register_security


def register_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(paths.migrations()), render_as_batch=True, compare_type=True)
    import_models()


def import_models() -> None:
    """Every domain's models and scope rules, so metadata and scope are complete."""
    import pm_app.alerts.models  # noqa: F401
    import pm_app.alerts.scope  # noqa: F401
    import pm_app.alerts.stale  # noqa: F401  (rules register themselves)
    import pm_app.audit.models  # noqa: F401
    import pm_app.audit.scope  # noqa: F401
    import pm_app.audit.trail  # noqa: F401  (the session events that write the change trail)
    import pm_app.auth.models  # noqa: F401
    import pm_app.committees.models  # noqa: F401
    import pm_app.committees.rules  # noqa: F401
    import pm_app.committees.scope  # noqa: F401
    import pm_app.dashboards.models  # noqa: F401
    import pm_app.fees.billing.bulk  # noqa: F401  (job runners register themselves)
    import pm_app.fees.models  # noqa: F401
    import pm_app.fees.rules  # noqa: F401
    import pm_app.fees.scope  # noqa: F401
    import pm_app.jobs.models  # noqa: F401
    import pm_app.jobs.scope  # noqa: F401
    import pm_app.org.models  # noqa: F401
    import pm_app.org.rules  # noqa: F401
    import pm_app.org.scope  # noqa: F401
    import pm_app.rankings.freeze  # noqa: F401  (the guard on published periods)
    import pm_app.rankings.models  # noqa: F401
    import pm_app.rankings.rules  # noqa: F401
    import pm_app.rankings.scope  # noqa: F401
    import pm_app.tickets.models  # noqa: F401
    import pm_app.tickets.rules  # noqa: F401
    import pm_app.tickets.scope  # noqa: F401
    import pm_app.warranties.acceptance_scope  # noqa: F401  (and its models)
    import pm_app.warranties.funding_models  # noqa: F401
    import pm_app.warranties.models  # noqa: F401
    import pm_app.warranties.rules  # noqa: F401
    import pm_app.warranties.scope  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself,
    # and have SQLite enforce foreign keys like PostgreSQL does.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def register_input_guard(app: Flask) -> None:
    from pm_app.common.request_guard import register_input_guard as register

    register(app)


def register_extensions(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.url_map.converters["int"] = IdConverter  # before any route: ids past the database's integers are 404
    api.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    redis_client.init_app(app)
    register_security(app)


def register_i18n(app: Flask) -> None:
    def locale() -> str:
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"]:
            session["lang"] = chosen
        return session.get("lang") or app.config["BABEL_DEFAULT_LOCALE"]

    babel.init_app(
        app, locale_selector=locale, default_translation_directories=str(Path(__file__).parent / "translations")
    )

    @app.context_processor
    def _lang():
        from flask_babel import get_locale

        return {"current_lang": str(get_locale()), "languages": app.config["LANGUAGES"]}


def register_blueprints(app: Flask) -> None:
    from pm_app.alerts.api import blp as alerts_api
    from pm_app.alerts.views import bp as alerts_views
    from pm_app.audit.api import blp as audit_api
    from pm_app.audit.views import bp as audit_views
    from pm_app.auth import access
    from pm_app.auth.admin_views import bp as admin_views
    from pm_app.auth.api import PUBLIC_ENDPOINTS
    from pm_app.auth.api import blp as auth_api
    from pm_app.auth.services import token_is_valid
    from pm_app.auth.views import bp as auth_views
    from pm_app.committees import account_views, vote_views
    from pm_app.committees import views as committee_views
    from pm_app.committees.api import blp as committees_api
    from pm_app.common import api_cache
    from pm_app.common.assets import bp as assets
    from pm_app.common.liveness import bp as liveness
    from pm_app.dashboards.views import bp as home
    from pm_app.fees import bill_views
    from pm_app.fees import views as fee_views
    from pm_app.fees.api import blp as fees_api
    from pm_app.fees.billing.views import bp as bulk_views
    from pm_app.fees.counter.api import blp as counter_api
    from pm_app.fees.counter.views import bp as counter_views
    from pm_app.fees.import_views import bp as fees_import_views
    from pm_app.fees.imports_api import blp as fees_imports_api
    from pm_app.fees.reports import views as overview_views
    from pm_app.jobs.api import blp as jobs_api
    from pm_app.jobs.views import bp as jobs_views
    from pm_app.ops.views import bp as ops_views
    from pm_app.org.api import blp as org_api
    from pm_app.org.import_views import bp as org_import_views
    from pm_app.org.imports_api import blp as imports_api
    from pm_app.org.views import bp as org_views
    from pm_app.rankings import firm_views as ranking_firm_views
    from pm_app.rankings import public_views as rankings_public
    from pm_app.rankings import views as rankings_views
    from pm_app.rankings.api import blp as rankings_api
    from pm_app.rankings.public_api import blp as public_rankings_api
    from pm_app.tickets import list_views as ticket_list_views
    from pm_app.tickets import photo_views as ticket_photos
    from pm_app.tickets import public_views as tickets_public
    from pm_app.tickets import views as ticket_views
    from pm_app.tickets.api import blp as tickets_api
    from pm_app.tickets.attachments_api import blp as ticket_attachments_api
    from pm_app.tickets.hotline_api import blp as hotline_api
    from pm_app.tickets.hotline_views import bp as hotline_views
    from pm_app.warranties import acceptance_views, funding_views, project_views
    from pm_app.warranties import list_views as warranty_list_views
    from pm_app.warranties import views as warranty_views
    from pm_app.warranties.acceptance_api import blp as acceptance_api
    from pm_app.warranties.api import blp as warranties_api
    from pm_app.warranties.funding_api import blp as funding_api
    from pm_app.warranties.import_views import bp as warranties_import_views
    from pm_app.warranties.imports_api import blp as warranties_imports_api

    for blueprint in (
        auth_api,
        org_api,
        alerts_api,
        imports_api,
        fees_api,
        counter_api,
        fees_imports_api,
        warranties_api,
        warranties_imports_api,
        tickets_api,
        ticket_attachments_api,
        rankings_api,
        public_rankings_api,
        committees_api,
        acceptance_api,
        audit_api,
        jobs_api,
        funding_api,
        hotline_api,
    ):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens only: a browser never sends them by itself
    for blueprint in (
        home,
        auth_views,
        admin_views,
        org_views,
        org_import_views,
        alerts_views,
        fees_import_views,
        assets,
        acceptance_views.bp,
        fee_views.bp,
        bill_views.bp,
        overview_views.bp,
        counter_views,
        warranties_import_views,
        warranty_views.bp,
        project_views.bp,
        warranty_list_views.bp,
        tickets_public.bp,
        ticket_list_views.bp,
        ticket_views.bp,
        ticket_photos.bp,
        rankings_public.bp,
        rankings_views.bp,
        ranking_firm_views.bp,
        committee_views.bp,
        account_views.bp,
        vote_views.bp,
        audit_views,
        liveness,
        ops_views,
        jobs_views,
        bulk_views,
        funding_views.bp,
        hotline_views,
    ):
        app.register_blueprint(blueprint)

    @app.before_request
    def _api_auth():
        if (
            request.path.startswith("/api/")
            and request.endpoint not in PUBLIC_ENDPOINTS
            and not request.path.startswith("/api/v1/openapi")
            and request.endpoint is not None
        ):
            token = access.bearer_token()
            api_cache.begin(token)  # the versions are read before the token is checked
            cached = api_cache.served()
            if cached is not None and token_is_valid(token):
                return cached  # the token is checked all the same; the answer needs no user object
            access.authenticate_api_request()

    app.after_request(api_cache.store)
    app.teardown_request(api_cache.end)

    @app.after_request
    def _send_outbox(response):
        from pm_app.alerts.outbox import kick_if_dirty

        kick_if_dirty()  # what this request's commit put in the outbox
        return response

    @app.teardown_request
    def _forget(_exc):
        # Per-request state on g (masking cache, signed-in user, locale, CSRF token) must not outlive the
        # request when the app context is shared, as in the tests or a CLI command.
        for key in ("_personal_data", "_login_user", "_flask_babel", "csrf_token"):
            g.pop(key, None)


def register_audit(app: Flask) -> None:
    """After the blueprints: the actor is read once the API's bearer check has run."""
    from pm_app.audit.denials import register_audit as register

    register(app)


def register_errors(app: Flask) -> None:
    from pm_app.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from pm_app.cli import register_commands
    from pm_app.job_commands import cron_command, post_fee_income_command, sweep_command, worker_command

    register_commands(app)
    for command in (sweep_command, worker_command, cron_command, post_fee_income_command):
        app.cli.add_command(command)
