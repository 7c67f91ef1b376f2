"""The majority an owners' vote needs, by what it decides, and who counts in its headcount.

民法典第二百七十八条: "业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二
以上的业主参与表决。决定前款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的业主
且参与表决人数四分之三以上的业主同意。决定前款其他事项，应当经参与表决专有部分面积过半数的业主且
参与表决人数过半数的业主同意。" Items (六) 筹集维修资金, (七) 改建、重建建筑物及其附属设施 and
(八) 改变共有部分的用途或者利用共有部分从事经营活动 need three-quarters of those voting (by area
and by headcount, "以上": exactly 3/4 passes); (五) 使用维修资金 and the rest more than half
("过半数": exactly 1/2 fails).

Headcount (人数) counts owners (业主), not households: an owner of two flats is one person. The
register keeps no owner id, so an owner is the normalised name and phone of a household
(whitespace removed, case folded; the phone's digits, without a leading +86); two households
are one owner only when both the name and the phone are given and agree. A household without
them counts as an owner of its own — the count can only err towards more owners, never merge
two people who merely share a common name.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.committees.models import FundMatter
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import Household

HALF, THREE_QUARTERS = "half", "three_quarters"
MAJORITY = {
    FundMatter.use: HALF,
    FundMatter.raise_: THREE_QUARTERS,
    FundMatter.rebuild: THREE_QUARTERS,
    FundMatter.common_use: THREE_QUARTERS,
}
# A draw on the fund spends it: a vote to use it, or to rebuild with it. Raising the fund puts
# money in, and a change of use of the common parts decides no spending.
DRAWABLE = (FundMatter.use, FundMatter.rebuild)

MATTERS = {
    FundMatter.use: _l("Using the maintenance fund"),
    FundMatter.raise_: _l("Raising the maintenance fund"),
    FundMatter.rebuild: _l("Altering or rebuilding the buildings or their facilities"),
    FundMatter.common_use: _l("Changing the use of common parts or using them commercially"),
}
MAJORITIES = {HALF: _l("more than half"), THREE_QUARTERS: _l("three-quarters")}


def approves(matter: FundMatter, approving: int, participating: int) -> bool:
    """Whether `approving` of `participating` (area or heads) is the matter's majority, in integers."""
    if MAJORITY[matter] == THREE_QUARTERS:
        return 4 * approving >= 3 * participating
    return 2 * approving > participating


def majority_rule(matter: FundMatter) -> str:
    """The rule a matter's vote is judged by, as the refusals quote it."""
    return _(
        "Civil Code Art. 278: %(matter)s needs %(majority)s of the participating floor area and of the "
        "participating owners, with owners holding at least 2/3 of the area and 2/3 of the headcount taking "
        "part",
        matter=MATTERS[matter],
        majority=MAJORITIES[MAJORITY[matter]],
    )


def check_counted_majority(matter: FundMatter, counted: str | None) -> None:
    """A vote the committee counted against another majority than its matter's is refused (422)."""
    if counted is None or counted == MAJORITY[matter]:
        return
    message = _(
        "%(rule)s; this vote was counted against %(counted)s.", rule=majority_rule(matter), counted=MAJORITIES[counted]
    )
    raise DomainError(message, {"majority": [message]})


_SPACE = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"[^0-9]")


def owner_key(household_id: int, name: str | None, phone: str | None) -> tuple:
    name = _SPACE.sub("", name or "").casefold()
    digits = _NOT_DIGIT.sub("", phone or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return ("owner", name, digits) if name and digits else ("household", household_id)


def owner_count(compound_id: int) -> int:
    """The compound's owners, each counted once however many households they hold."""
    rows = db.session.execute(
        select(Household.id, Household.owner_name, Household.owner_phone).where(Household.compound_id == compound_id)
    )
    return len({owner_key(*row) for row in rows})
