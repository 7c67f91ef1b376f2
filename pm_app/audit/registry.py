"""What the trail records: the audited model classes and, per class, what must never be written
out in clear. Adding a model here is all it takes for its creates, updates, deletes and bulk
statements to be recorded (pm_app.audit.trail)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pm_app.auth.models import User
from pm_app.committees.models import Committee, CommitteeMember, FundVote, LedgerEntry, LedgerQuery, PartyRecord
from pm_app.fees.models import Bill, Payment, Waiver
from pm_app.org.models import ServiceContract
from pm_app.rankings.models import Adjustment, Appeal, RankingPeriod, ScoringScheme
from pm_app.warranties.acceptance_models import AcceptanceFinding, ProjectAcceptance, ProjectDocument
from pm_app.warranties.models import RenovationProject

SECRET = "***"


@dataclass(frozen=True, eq=False)
class Audited:
    # Columns whose value is replaced by "***": the row says that it changed, never to what.
    secret: frozenset[str] = frozenset()
    # Personal data kept only as its last four characters (a phone number is not the auditor's business).
    personal: frozenset[str] = frozenset()
    # Many-to-many collections recorded as the sorted ids they hold, under a name of their own
    # (a user's streets are its scope): relationship name → key in before/after.
    collections: dict[str, str] = field(default_factory=dict)


AUDITED: dict[type, Audited] = {
    # money
    Bill: Audited(),
    Payment: Audited(),
    Waiver: Audited(),
    ServiceContract: Audited(),
    # books and committees
    LedgerEntry: Audited(),
    LedgerQuery: Audited(),
    FundVote: Audited(),
    Committee: Audited(),
    PartyRecord: Audited(),
    CommitteeMember: Audited(personal=frozenset({"phone"})),
    # rankings (computed results are derived from these and frozen on publication)
    ScoringScheme: Audited(),
    RankingPeriod: Audited(),
    Adjustment: Audited(),
    Appeal: Audited(),
    # works: who registered a project, and the regulator's override of seed 004 §九(五) with its reason
    RenovationProject: Audited(),
    # joint acceptance: who recorded which result, and which re-acceptance closed which defect
    ProjectAcceptance: Audited(),
    AcceptanceFinding: Audited(),
    ProjectDocument: Audited(),
    # accounts
    User: Audited(secret=frozenset({"password_hash"}), collections={"streets": "street_ids"}),
}
AUDITED_TABLES = {model.__table__.name for model in AUDITED}
