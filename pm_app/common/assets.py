"""Third-party browser scripts served from the installed Python packages, never from a CDN:
the users' office networks are often closed to the internet, and a strict CSP allows 'self' only.

The URL carries the package version (`?v=`), so browsers may keep the file for a year and still
fetch the new one the day the package is upgraded.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata, util
from pathlib import Path

from flask import Blueprint, send_file, url_for

bp = Blueprint("assets", __name__)

YEAR = 365 * 24 * 3600


@cache
def _plotly_js() -> Path:
    # find_spec locates the package without importing it (importing plotly takes a second).
    spec = util.find_spec("plotly")
    return Path(spec.submodule_search_locations[0]) / "package_data" / "plotly.min.js"


@cache
def _plotly_version() -> str:
    return metadata.version("plotly")


@bp.route("/static/vendor/plotly.min.js")
def plotly():
    response = send_file(_plotly_js(), mimetype="text/javascript", max_age=YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.app_template_global()
def plotly_url() -> str:
    return url_for("assets.plotly", v=_plotly_version())
