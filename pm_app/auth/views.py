"""Sign-in, sign-out and the signed-in user's own password change."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from pm_app.audit.denials import note_failed_login
from pm_app.auth import services
from pm_app.auth.forms import LoginForm, PasswordChangeForm
from pm_app.auth.models import User
from pm_app.auth.redirects import redirect_target
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.security import login_limits, note_failed_sign_in, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at login: no fixation
            session[services.SESSION_VERSION] = user.session_version
            login_user(user)
            start_session()
            return redirect(redirect_target(request.args.get("next")))
        note_failed_sign_in()
        note_failed_login(form.username.data)
        flash(_("Wrong username or password."), "error")
    demo_users = _demo_accounts() if current_app.config.get("DEMO_MODE") else []
    return render_template("auth/login.html", form=form, demo_users=demo_users)


def _demo_accounts() -> list[User]:
    from pm_app.org.demo import DEMO_USERNAMES

    return list(db.session.scalars(select(User).where(User.username.in_(DEMO_USERNAMES)).order_by(User.id)))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Logging out ends every copy of this cookie, wherever it was taken: the generation moves on.
    # (The user's other page sessions end with it; API tokens are not touched.)
    services.end_page_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@login_limits
def change_password():
    form = PasswordChangeForm()
    form.policy_username = current_user.username
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            if "current_password" in error.errors:
                note_failed_sign_in()
                form.current_password.errors = [_("The current password is wrong.")]
            else:
                form.new_password.errors = [_("The new password must differ from the current one.")]
        else:
            db.session.commit()
            # Every other session and token has ended; this one goes on under the new generation.
            session[services.SESSION_VERSION] = current_user.session_version
            flash(_("Your password is changed; you are signed out everywhere else."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
