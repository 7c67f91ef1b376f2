"""The public API of the rankings, no sign-in: `GET /api/v1/public/rankings?period=` and a firm's
history. Only published periods exist here (see `public.py`)."""

from __future__ import annotations

from flask_babel import gettext as _

from pm_app.auth.api import PUBLIC_ENDPOINTS
from pm_app.common.api import Blueprint
from pm_app.errors import NotFound
from pm_app.rankings import public
from pm_app.rankings import schemas as s

blp = Blueprint(
    "public_rankings_api",
    __name__,
    url_prefix="/api/v1/public",
    description="Published red/black rankings, readable by anyone",
)
PUBLIC_ENDPOINTS.update({"public_rankings_api.rankings", "public_rankings_api.firm_history"})


def publication_body(code: str | None) -> dict:
    period = public.publication(code)
    if period is None:
        raise NotFound(_("No published ranking for this period.") if code else _("Nothing has been published yet."))
    results = public.results_of(period)
    red, black = public.lists_of(results)
    return {
        "period": period.code,
        "revision": period.revision,
        "published_at": period.published_at,
        "corrects_published_at": period.corrects.published_at if period.corrects else None,
        "scheme": period.scheme_snapshot,
        "red": red,
        "black": black,
        "firms": results,
        "periods": [p.code for p in public.publications()],
    }


@blp.route("/rankings", methods=["GET"])
@blp.arguments(s.PublicQuery, location="query")
@blp.response(200, s.PublicRankingsOut)
@blp.alt_response(404, description="nothing published yet, or nothing for this period")
@blp.doc(security=[])
def rankings(args):
    """The latest published period (or the one asked for): red list, black list, every firm"""
    return publication_body(args.get("period"))


@blp.route("/rankings/firms/<int:firm_id>", methods=["GET"])
@blp.response(200, s.PublicHistoryOut)
@blp.alt_response(404, description="no firm with a published result under this id")
@blp.doc(security=[])
def firm_history(firm_id):
    """A firm's published results, oldest first"""
    history = public.firm_history(firm_id)
    if not history:
        raise NotFound(_("This firm has no published ranking."))
    firm_name = history[-1][1].firm_name
    return {
        "firm_id": firm_id,
        "firm": firm_name,
        "history": [
            {
                "period": p.code,
                "score": r.score,
                "grade": r.grade,
                "list": r.list_name,
                "rank": r.rank,
                "rated": r.rated,
            }
            for p, r in history
        ],
    }
