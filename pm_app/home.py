"""The landing page after login. Role dashboards arrive with the dashboards issue; until then
each role lands on its compound list, the page every role's day starts from."""
from flask import Blueprint, redirect, url_for
from flask_login import login_required

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    return redirect(url_for("org.compounds"))
