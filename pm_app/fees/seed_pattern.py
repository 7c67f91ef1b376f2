"""Who pays, how much and when, in the seeded city: SQL expressions of ids, so the seed decides
for millions of bills inside the database, the same on SQLite and PostgreSQL, run after run.

A draw is an integer hash of ids (a multiplicative step modulo the prime 2³¹−1, twice for the
(household, month) draws). Every intermediate stays below 2⁶³, so neither database overflows.
The functions take ids relative to the run's first household and compound (0, 1, 2 …): a
rolled-back seed on PostgreSQL does not give its ids back, and absolute ids would pay other bills.
The month enters as its absolute number, so a month's pattern is the same whatever the seed's
as-of day and however many months it bills.

The pattern (rates are shares of bills, before the months' late payments arrive):
- households: 2 % are chronic non-payers (pay one bill in ten, months late) and 6 % irregular
  (two in three, a third of those in part, often late); the other 92 % pay 98.5 % of their
  bills, 95 % of them within the billed month — arrears sit with a few households;
- compounds: one in ten collects about 15 points less, a further one in four about 5 less;
- declining compounds (chosen by the seed step) lose payers over their last months, from about
  94 % to about 65 %, which is what `fee_collection_drop` is for.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, case, cast

MODULUS = 2_147_483_647
MULTIPLIER = 1_103_515_245
MONTH_STRIDE = 104_729

CHRONIC, IRREGULAR = 20, 80  # per mille of households below these household draws
PAY_PER_MILLE = (100, 650, 985)  # chronic, irregular, regular
PARTIAL_PER_TEN = 3  # of an irregular household's payments
# Extra per-mille of unpaid bills in a declining compound, by months before the last seeded one.
DECLINE = (300, 60, 30)
MINUTES_PER_DAY = 1_440


def mix(value, salt: int):
    """One hashing step: an integer in [0, 2³¹−1)."""
    return (cast(value, BigInteger) * MULTIPLIER + salt) % MODULUS


def draw(household_id, month: int | None, salt: int):
    """A hash of the household (and the month): the same ids give the same number."""
    first = mix(household_id, salt)
    return first if month is None else mix(first + month * MONTH_STRIDE, salt + 1)


def month_number(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:]) - 1


def household_class(household_id):
    """0 chronic, 1 irregular, 2 regular."""
    kind = draw(household_id, None, 11) % 1000
    return case((kind < CHRONIC, 0), (kind < IRREGULAR, 1), else_=2)


def pay_per_mille(household_id, compound_id, declining: list[int], months_before_last: int):
    """How likely (per mille) a bill of this month is paid at all, sooner or later; `declining`
    holds relative compound ids, like `compound_id`."""
    kind = household_class(household_id)
    base = case((kind == 0, PAY_PER_MILLE[0]), (kind == 1, PAY_PER_MILLE[1]), else_=PAY_PER_MILLE[2])
    weak = draw(compound_id, None, 23) % 1000
    penalty = case((weak < 100, 150), (weak < 350, 50), else_=0)
    if declining:
        decline = DECLINE[months_before_last] if months_before_last < len(DECLINE) else 0
        penalty = case((compound_id.in_(declining), decline), else_=penalty)
    return base - penalty


def paid_share(household_id, month: int):
    """1 for a payment in full, 2 for half (an irregular household's partial payments)."""
    partial = (household_class(household_id) == 1) & (draw(household_id, month, 31) % 10 < PARTIAL_PER_TEN)
    return case((partial, 2), else_=1)


def pays(household_id, compound_id, month: int, declining: list[int], months_before_last: int):
    return draw(household_id, month, 41) % 1000 < pay_per_mille(
        household_id, compound_id, declining, months_before_last
    )


def minutes_after_month_start(household_id, month: int):
    """When the bill is paid: a day and time in the billed month (08:00–20:00 city time), plus
    whole months of lateness that depend on the kind of household."""
    value = draw(household_id, month, 53)
    late = value % 1000
    kind = household_class(household_id)
    late_days = case(
        (kind == 2, case((late < 950, 0), (late < 990, 30), else_=60)),
        (kind == 1, case((late < 500, 0), (late < 700, 30), (late < 850, 60), (late < 950, 120), else_=180)),
        else_=case((late < 300, 90), (late < 600, 180), else_=330),
    )
    day = (value // 1000) % 28
    minute = (value // 28_000) % 720
    return (late_days + day) * MINUTES_PER_DAY + 8 * 60 + minute


def method(household_id, month: int):
    """Mostly WeChat and Alipay, then cash, bank transfer and card (POS)."""
    pick = draw(household_id, month, 67) % 100
    return case(
        (pick < 45, "wechat"), (pick < 70, "alipay"), (pick < 82, "cash"), (pick < 92, "bank_transfer"), else_="pos"
    )
