"""REST API of committees and accounts (design §6): committees and their status and coverage,
the ledger (append-only: no PUT, PATCH or DELETE route exists, so those answer 405), statements,
the chain check, queries on entries, and maintenance-fund votes."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from pm_app.auth.access import OFFICE, require_role
from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.committees import anchors, coverage, entries, fee_books, fund, ledger, party, queries, services, statements
from pm_app.committees import schemas as s
from pm_app.committees.models import Committee, FundVote, LedgerEntry, LedgerQuery
from pm_app.committees.scope import visible_compound
from pm_app.common.api import Blueprint
from pm_app.common.api_cache import uncached
from pm_app.common.clock import today
from pm_app.common.money import fen_to_yuan
from pm_app.common.pagination import paginate
from pm_app.extensions import db
from pm_app.fees.services import first_day, last_day

blp = Blueprint(
    "committees_api",
    __name__,
    url_prefix="/api/v1",
    description="Owners' committees, the compound's hash-chained books, queries and maintenance-fund votes",
)


@blp.route("/committees")
class Committees(MethodView):
    @blp.arguments(s.CommitteeQuery, location="query")
    @blp.response(200, s.CommitteeOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Committees, past and present, newest election first"""
        query = visible(Committee, current_user).options(selectinload(Committee.members))
        if args.get("compound_id"):
            query = query.where(Committee.compound_id == args["compound_id"])
        return paginate(query.order_by(Committee.elected_on.desc(), Committee.id), pagination_parameters)

    @blp.arguments(s.CommitteeIn)
    @blp.response(201, s.CommitteeOut)
    def post(self, data):
        """Register an elected committee with its members (the street office)"""
        compound = visible_compound(data.pop("compound_id"), current_user)
        committee = services.register_committee(current_user, compound, data)
        db.session.commit()
        return committee


@blp.route("/committees/<int:committee_id>")
class CommitteeItem(MethodView):
    decorators = [object_in_scope(Committee, "committee_id")]

    @blp.response(200, s.CommitteeOut)
    def get(self, committee_id):
        return get_visible(Committee, committee_id, current_user)


@blp.route("/committees/<int:committee_id>/filing")
class Filing(MethodView):
    decorators = [object_in_scope(Committee, "committee_id")]

    @blp.arguments(s.FilingIn)
    @blp.response(200, s.CommitteeOut)
    def post(self, data, committee_id):
        """Record the committee's filing (备案) with the street office"""
        committee = services.record_filing(
            current_user, get_visible(Committee, committee_id, current_user), data["filed_on"]
        )
        db.session.commit()
        return committee


@blp.route("/compounds/<int:compound_id>/committee-status")
class Status(MethodView):
    @blp.arguments(s.StatusQuery, location="query")
    @blp.response(200, s.StatusOut)
    def get(self, args, compound_id):
        """The compound's committee status as of a day (today by default), derived from the dates"""
        compound = visible_compound(compound_id, current_user)
        found = services.status_of(compound.id, args.get("as_of"))
        return {
            "compound_id": compound.id,
            "as_of": found.as_of,
            "status": found.status,
            "kind": found.kind,
            "days_to_term_end": found.days_to_term_end,
            "committee": found.committee,
            "filing_overdue": bool(found.committee and services.filing_overdue(found.committee, found.as_of)),
        }


@blp.route("/committees/coverage")
class Coverage(MethodView):
    @require_role(*OFFICE)
    @blp.arguments(s.CoverageQuery, location="query")
    @blp.response(200, s.CoverageOut)
    def get(self, args):
        """Compounds by committee status, committees in office by kind, those being prepared, and
        party organisation and 红色物业 coverage, with shares of the base (four places). The base is
        the renovated compounds (accepted on or before as_of) unless `base=all`"""
        found = coverage.coverage(current_user, args.get("as_of") or today(), args.get("street_id"), args["base"])

        def one(n):
            return {"count": n, "share": str(found.share(n))}

        def counted(counts):
            return {key: one(n) for key, n in counts.items()}

        return {
            "as_of": found.as_of.isoformat(),
            "base": found.base,
            "compounds": found.total,
            "left_out": found.left_out,
            "by_status": counted(found.by_status),
            "established": one(found.established),
            "by_kind": counted(found.by_kind),
            "preparing": counted(found.preparing),
            "party_organisation": one(found.party_organisation),
            "red_property": one(found.red_property),
        }


@blp.route("/compounds/<int:compound_id>/party-record")
class Party(MethodView):
    @blp.response(200, s.PartyOut)
    def get(self, compound_id):
        """Whether the compound has a party organisation (党组织) and is served as 红色物业"""
        return party.record_of(visible_compound(compound_id, current_user).id)

    @blp.arguments(s.PartyIn)
    @blp.response(200, s.PartyOut)
    def put(self, data, compound_id):
        """Keep the compound's party organisation and 红色物业 record (the street office)"""
        record = party.keep_record(current_user, visible_compound(compound_id, current_user), data)
        db.session.commit()
        return record


@blp.route("/ledger/<int:compound_id>/entries")
class Entries(MethodView):
    @blp.arguments(s.EntryQuery, location="query")
    @blp.response(200, s.EntryOut(many=True))
    @blp.paginate()
    def get(self, args, compound_id, pagination_parameters):
        """The compound's entries in chain order"""
        visible_compound(compound_id, current_user)
        query = visible(LedgerEntry, current_user).where(LedgerEntry.compound_id == compound_id)
        if args.get("account"):
            query = query.where(LedgerEntry.account == args["account"])
        if args.get("month"):
            query = query.where(
                LedgerEntry.entry_date >= first_day(args["month"]), LedgerEntry.entry_date <= last_day(args["month"])
            )
        return paginate(query.order_by(LedgerEntry.seq), pagination_parameters)

    @blp.arguments(s.EntryIn)
    @blp.response(201, s.EntryOut)
    def post(self, data, compound_id):
        """Post an entry (the firm holding the current contract); `reversal_of` corrects one"""
        compound = visible_compound(compound_id, current_user)
        entry = entries.post_entry(current_user, compound, data)
        db.session.commit()
        return entry


@blp.route("/ledger/<int:compound_id>/entries/<int:entry_id>")
class EntryItem(MethodView):
    @blp.response(200, s.EntryOut)
    def get(self, compound_id, entry_id):
        visible_compound(compound_id, current_user)
        entry = get_visible(LedgerEntry, entry_id, current_user)
        if entry.compound_id != compound_id:
            get_visible(LedgerEntry, 0, current_user)  # the same 404 as a missing entry
        return entry


@blp.route("/ledger/<int:compound_id>/statement")
class Statement(MethodView):
    @blp.arguments(s.StatementQuery, location="query")
    @blp.response(200, s.StatementOut)
    def get(self, args, compound_id):
        """Opening, in, out and closing per account for a month, and the ledger anchor printed on it"""
        visible_compound(compound_id, current_user)
        anchor = anchors.issue(compound_id, args["month"], current_user, "api")
        db.session.commit()  # the anchor this answer prints is recorded
        fees = fee_books.fee_check(compound_id, args["month"])
        return {
            "compound_id": compound_id,
            "month": args["month"],
            "accounts": statements.statement(compound_id, args["month"]),
            "anchor": anchor,
            "fees_received": fees.received_fen,
            "fees_difference": fees.difference_fen,
            "fees_agree": fees.agrees,
            "month_closed": fees.month_closed,
        }


@blp.route("/ledger/<int:compound_id>/balances")
class Balances(MethodView):
    @blp.response(200, s.BalancesOut)
    def get(self, compound_id):
        """Each account's balance (in − out) over all entries"""
        visible_compound(compound_id, current_user)
        return {
            "compound_id": compound_id,
            "balances": {
                account.value: fen_to_yuan(total) for account, total in statements.balances(compound_id).items()
            },
        }


@blp.route("/ledger/<int:compound_id>/verify")
class Verify(MethodView):
    @uncached  # an integrity check must see a row changed behind the app's back at once
    @blp.arguments(s.VerifyQuery, location="query")
    @blp.response(200, s.VerifyOut)
    def get(self, args, compound_id):
        """Check the compound's hash chain, and every ledger anchor printed on its statements (and
        the one given, from a statement you hold); names the first entry or anchor that does not hold"""
        visible_compound(compound_id, current_user)
        return ledger.verify(compound_id, anchors.held(args.get("seq"), args.get("hash")))


@blp.route("/ledger/<int:compound_id>/entries/<int:entry_id>/queries")
class EntryQueries(MethodView):
    @blp.response(200, s.QueryOut(many=True))
    def get(self, compound_id, entry_id):
        visible_compound(compound_id, current_user)
        return list(
            db.session.scalars(
                visible(LedgerQuery, current_user)
                .where(LedgerQuery.entry_id == entry_id, LedgerQuery.compound_id == compound_id)
                .order_by(LedgerQuery.id)
            )
        )

    @blp.arguments(s.QuestionIn)
    @blp.response(201, s.QueryOut)
    def post(self, data, compound_id, entry_id):
        """A committee member asks about an entry; the serving firm must answer"""
        visible_compound(compound_id, current_user)
        entry = get_visible(LedgerEntry, entry_id, current_user)
        if entry.compound_id != compound_id:
            get_visible(LedgerEntry, 0, current_user)
        query = queries.raise_query(current_user, entry, data["question"])
        db.session.commit()
        return query


@blp.route("/ledger/<int:compound_id>/queries")
class CompoundQueries(MethodView):
    @blp.arguments(s.QueryListQuery, location="query")
    @blp.response(200, s.QueryOut(many=True))
    @blp.paginate()
    def get(self, args, compound_id, pagination_parameters):
        """Queries on the compound's entries; `open=true` keeps the unanswered ones"""
        visible_compound(compound_id, current_user)
        query = visible(LedgerQuery, current_user).where(LedgerQuery.compound_id == compound_id)
        if args.get("open") is not None:
            query = query.where(LedgerQuery.answer.is_(None) if args["open"] else LedgerQuery.answer.is_not(None))
        return paginate(query.order_by(LedgerQuery.id), pagination_parameters)


@blp.route("/ledger-queries/<int:query_id>/answer")
class Answer(MethodView):
    decorators = [object_in_scope(LedgerQuery, "query_id")]

    @blp.arguments(s.AnswerIn)
    @blp.response(200, s.QueryOut)
    def post(self, data, query_id):
        """The firm holding the current contract answers a query"""
        query = queries.answer_query(current_user, get_visible(LedgerQuery, query_id, current_user), data["answer"])
        db.session.commit()
        return query


@blp.route("/fund-votes")
class Votes(MethodView):
    @blp.arguments(s.VoteQuery, location="query")
    @blp.response(200, s.VoteOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = visible(FundVote, current_user)
        if args.get("compound_id"):
            query = query.where(FundVote.compound_id == args["compound_id"])
        votes = paginate(query.order_by(FundVote.voted_on.desc(), FundVote.id), pagination_parameters)
        drawn = fund.drawn_by_vote([vote.id for vote in votes])
        for vote in votes:
            vote.drawn_fen = drawn.get(vote.id, 0)
        return votes

    @blp.arguments(s.VoteIn)
    @blp.response(201, s.VoteOut)
    def post(self, data):
        """Record the owners' vote on a maintenance-fund use; `passed` and `failed_threshold` say
        whether it meets Civil Code Art. 278 (a draw on a failing vote is refused)"""
        compound = visible_compound(data.pop("compound_id"), current_user)
        fund.check_links(current_user, compound.id, data.get("ticket_id"), data.get("project_id"))
        vote = fund.record_vote(current_user, compound, data)
        db.session.commit()
        return vote


@blp.route("/fund-votes/<int:vote_id>")
class VoteItem(MethodView):
    decorators = [object_in_scope(FundVote, "vote_id")]

    @blp.response(200, s.VoteOut)
    def get(self, vote_id):
        return get_visible(FundVote, vote_id, current_user)
