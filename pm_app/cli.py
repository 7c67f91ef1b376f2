"""The `pm-app` console script: Flask's CLI group over create_app, plus our commands."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from pm_app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
def cli():
    """Changxiao (长效) — keep renovated compounds in good order."""


def register_commands(app: Flask) -> None:
    for command in (create_user_command, seed_command, demo_command, bill_totals_command):
        app.cli.add_command(command)


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]),
)
@click.option(
    "--street-id", "street_ids", type=int, multiple=True, help="street officer: a street it oversees (repeatable)"
)
@click.option("--firm-id", type=int, help="firm or contractor staff: the firm")
@click.option("--compound-id", type=int, help="committee member: the compound")
@click.option("--city-id", type=int, help="regulator: the one city it sees (left out: every city)")
@click.option("--display-name")
@with_appcontext
def create_user_command(username, password, role, street_ids, firm_id, compound_id, city_id, display_name):
    """Create a user with a role and the binding the role needs."""
    from pm_app.audit.context import acting_as
    from pm_app.auth.services import create_user
    from pm_app.errors import DomainError
    from pm_app.extensions import db

    try:
        with acting_as("cli:create-user"):  # the trail names the command, not "system"
            user = create_user(
                username,
                password,
                role,
                street_ids=street_ids,
                firm_id=firm_id,
                compound_id=compound_id,
                display_name=display_name,
                city_id=city_id,
            )
    except DomainError as exc:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"created user {user.username} ({user.role.value}), id {user.id}")


@click.command("bill-totals")
@click.option("--rebuild", is_flag=True, help="recompute every total from the bills (after the triggers were off)")
@with_appcontext
def bill_totals_command(rebuild):
    """Check the bills' monthly totals (what collection rates read) against the bills."""
    from pm_app.extensions import db
    from pm_app.fees.reports import totals

    if rebuild:
        rows = totals.rebuild()
        db.session.commit()
        click.echo(f"rebuilt {rows:,} totals from the bills")
        return
    wrong = totals.differences()
    for key, expected, found in wrong[:20]:
        click.echo(f"{dict(zip(totals.KEY, key))}: the bills add up to {expected}, bill_total holds {found}")
    if wrong:
        raise click.ClickException(f"{len(wrong):,} totals differ from their bills; run `pm-app bill-totals --rebuild`")
    click.echo("every total agrees with its bills")


@click.command("seed")
@click.option(
    "--scale",
    type=click.Choice(["demo", "street", "city", "city2x", "city4x", "province"]),
    default="demo",
    show_default=True,
    help="street: 15 compounds; demo: 2 districts, 60 compounds; city: 1,130 compounds, "
    "~197,000 households; city2x, city4x: twice and four times the city on its streets (benchmarks); "
    "province: ten cities of the city's size, committed city by city (~50 million bills, 35 GB)",
)
@click.option(
    "--cities",
    type=click.IntRange(1, 10),
    default=None,
    help="province only: seed the first N cities (a slice, to time the seed before the whole)",
)
@with_appcontext
def seed_command(scale, cities):
    """Fill an empty database with a realistic city (the same city every time)."""
    _seed(scale, cities=cities)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and accounts, then stop.")
@with_appcontext
def demo_command(host, port, no_serve):
    """Migrate the database (instance/pm_app.db unless DATABASE_URL says otherwise), load the
    demo city and its accounts the first time, and serve the app."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from pm_app.extensions import db
    from pm_app.org.demo import DEMO_PASSWORD, create_demo_accounts, demo_accounts
    from pm_app.org.models import Compound

    click.echo(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    upgrade()
    if db.session.scalar(select(Compound.id).limit(1)) is None:
        _seed("demo", commit=False)
    elif not demo_accounts():
        # Accounts with a published password must never land in a real city's database.
        raise click.ClickException(
            "This database holds compounds but no demo accounts, so it is not a demo city, and pm-app demo "
            f"will not add accounts with the password {DEMO_PASSWORD} to it. Point PM_APP_INSTANCE at a new "
            "folder (or DATABASE_URL at an empty database) and run pm-app demo again."
        )
    else:
        click.echo("The demo city is already loaded.")
    create_demo_accounts()
    db.session.commit()
    current_app.config["DEMO_MODE"] = True
    click.echo(f"\nOpen http://{host}:{port}/ and sign in with one of these accounts (password {DEMO_PASSWORD}):")
    for user in demo_accounts():
        click.echo(f"  {user.username:<11} {user.role.value:<17} {user.display_name or ''}")
    if not no_serve:
        if not current_app.config.get("REDIS_URL"):
            from pm_app.alerts import local_cron

            local_cron.start(current_app._get_current_object())  # no Redis: the schedule runs on a thread
        # app.run() refuses to serve from inside a `flask`-style CLI command; this is what it would call.
        from werkzeug.serving import run_simple

        run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True)


def _seed(scale: str, commit: bool = True, cities: int | None = None) -> None:
    from pm_app.errors import DomainError
    from pm_app.extensions import db
    from pm_app.seeding import seed_city

    started = time.perf_counter()
    bars = _ProgressBars()
    try:
        run = seed_city(scale, progress=bars, cities=cities, after_city=_city_done(bars, started) if commit else None)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        bars.close()
    if commit:
        db.session.commit()
    rows = run.rows
    click.echo(
        f"Seeded the {scale} city in {time.perf_counter() - started:.1f} s: "
        f"{rows.get('city', 0) or 1} cities, {rows.get('district', 0)} districts, {rows.get('street', 0)} streets, "
        f"{rows.get('compound', 0):,} compounds, {rows.get('building', 0):,} buildings, "
        f"{rows.get('household', 0):,} households, {rows.get('firm', 0)} firms, "
        f"{rows.get('service_contract', 0):,} contracts, {rows.get('bill', 0):,} bills, "
        f"{rows.get('payment', 0):,} payments."
    )


def _city_done(bars, started: float):
    """A province commits each city as it is done and says how far it is (the rate to extrapolate)."""
    from pm_app.extensions import db

    def done(run) -> None:
        db.session.commit()
        bars.close()
        click.echo(
            f"city {run.rows.get('city', 0)} committed at {time.perf_counter() - started:.0f} s: "
            f"{run.rows.get('compound', 0):,} compounds, {run.rows.get('bill', 0):,} bills so far"
        )

    return done


class _ProgressBars:
    """A terminal progress bar per seed step, opened when the step first reports."""

    def __init__(self):
        self.step, self.bar, self.done = None, None, 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.step, self.done = step, 0
            self.bar = click.progressbar(length=max(total, 1), label=f"{step:<10}", show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
