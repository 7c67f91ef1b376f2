"""Changxiao (长效): the platform that keeps renovated residential compounds in good order."""

from __future__ import annotations

from flask import Flask


def create_app(config: type | None = None) -> Flask:
    from pm_app import paths
    from pm_app.config import Config, binds, engine_options

    config = config or Config
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR), template_folder=str(paths.templates()))
    app.config.from_object(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"] or "", app.config)
    app.config["SQLALCHEMY_BINDS"] = binds(app.config)
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.secret_key()

    from pm_app import setup
    from pm_app.common import error_reports, logs, replica

    logs.init_app(app)  # first: every later step may log, with the request's id
    error_reports.init_app(app)  # only with SENTRY_DSN
    setup.register_database(app)
    setup.register_input_guard(app)  # first of the before_request steps: bad text never reaches the others
    setup.register_extensions(app)
    setup.register_i18n(app)
    setup.register_blueprints(app)
    replica.init_app(app)  # after the blueprints: it wraps the dashboards' views
    setup.register_audit(app)
    setup.register_errors(app)
    setup.register_cli(app)
    return app
