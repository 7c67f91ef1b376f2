"""The `pm-app` console script: Flask's CLI group over create_app, plus our commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from pm_app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
def cli():
    """Changxiao (长效) — keep renovated compounds in good order."""


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--role", required=True,
              type=click.Choice(["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]))
@click.option("--street-id", "street_ids", type=int, multiple=True, help="street officer: a street it oversees (repeatable)")
@click.option("--firm-id", type=int, help="firm or contractor staff: the firm")
@click.option("--compound-id", type=int, help="committee member: the compound")
@click.option("--display-name")
@with_appcontext
def create_user_command(username, password, role, street_ids, firm_id, compound_id, display_name):
    """Create a user with a role and the binding the role needs."""
    from pm_app.auth.services import create_user
    from pm_app.errors import DomainError
    from pm_app.extensions import db

    try:
        user = create_user(username, password, role, street_ids=street_ids, firm_id=firm_id,
                           compound_id=compound_id, display_name=display_name)
    except DomainError as exc:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"created user {user.username} ({user.role.value}), id {user.id}")
