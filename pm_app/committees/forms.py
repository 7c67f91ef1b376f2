"""Forms of the committee and accounts pages. They check shape; the rules (member counts, who may
post, Art. 278) are in the services, whose refusals `common.forms.report` shows by the fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pm_app.committees.entries import HAND_ACCOUNTS
from pm_app.committees.labels import DIRECTIONS, KINDS, ROLES
from pm_app.committees.models import MemberRole
from pm_app.committees.statements import ACCOUNTS
from pm_app.common.forms import day_in_range
from pm_app.common.money import AmountError, yuan_to_fen
from pm_app.org.labels import choices

_ROLE_WORDS = {
    **{m.value: m for m in MemberRole},
    **{str(t): m for m, t in ROLES.items()},
    "主任": MemberRole.chair,
    "副主任": MemberRole.vice_chair,
    "委员": MemberRole.member,
}


def _members(form, field):
    """One member per line: "name, role, phone" (role and phone optional; role in English or Chinese)."""
    parsed = []
    for number, line in enumerate((field.data or "").splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not parts[0]:
            continue
        role = _ROLE_WORDS.get(parts[1] if len(parts) > 1 and parts[1] else "member")
        if role is None:
            raise ValidationError(_l("Line %(n)d: the role must be chair, vice_chair or member.", n=number))
        parsed.append({"name": parts[0][:64], "role": role, "phone": parts[2] if len(parts) > 2 and parts[2] else None})
    field.members = parsed


class CommitteeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(KINDS))
    elected_on = DateField(_l("Elected on"), validators=[DataRequired(), day_in_range])
    term_years = IntegerField(_l("Term (years)"), default=5, validators=[DataRequired(), NumberRange(min=1)])
    filed_on = DateField(_l("Filed with the street on"), validators=[Optional(), day_in_range])
    members = TextAreaField(
        _l("Members, one per line: name, role, phone (role: chair, vice_chair or member)"),
        validators=[DataRequired(), _members],
    )

    def data_for_service(self) -> dict:
        return {
            "kind": self.kind.data,
            "elected_on": self.elected_on.data,
            "term_years": self.term_years.data,
            "filed_on": self.filed_on.data,
            "members": self.members.members,
        }


class PartyForm(FlaskForm):
    party_organisation = BooleanField(_l("Has a party organisation (its own or a joint branch)"))
    red_property = BooleanField(_l("Served as red property (红色物业)"))


class FilingForm(FlaskForm):
    filed_on = DateField(_l("Filed with the street on"), validators=[DataRequired(), day_in_range])


def _amount(form, field):
    try:
        field.fen = yuan_to_fen((field.data or "").strip())
    except AmountError:
        raise ValidationError(_l("Write an amount in yuan, such as 71.60.")) from None
    if field.fen <= 0:
        raise ValidationError(_l("The amount must be greater than zero."))


class EntryForm(FlaskForm):
    # Fee income is posted by the system from the fees received (fee_books.py), never by hand.
    account = SelectField(_l("Account"), choices=choices({a: t for a, t in ACCOUNTS.items() if a in HAND_ACCOUNTS}))
    direction = SelectField(_l("Direction"), choices=choices(DIRECTIONS))
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), _amount])
    entry_date = DateField(_l("Date"), validators=[DataRequired(), day_in_range])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=500)])
    counterparty = StringField(_l("Counterparty"), validators=[Optional(), Length(max=128)])
    voucher_no = StringField(_l("Voucher no."), validators=[Optional(), Length(max=64)])
    # The compound's passing votes, offered by the page (with_votes): a draw picks its vote by subject.
    fund_vote_id = SelectField(
        _l("Approving owners' vote (for a maintenance-fund draw)"),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        choices=[("", "—")],
    )

    def with_votes(self, votes: list[tuple[int, str]]) -> EntryForm:
        self.fund_vote_id.choices = [("", _l("— none —"))] + [(str(vote_id), label) for vote_id, label in votes]
        return self

    def data_for_service(self) -> dict:
        return {
            "account": self.account.data,
            "direction": self.direction.data,
            "amount_fen": self.amount.fen,
            "entry_date": self.entry_date.data,
            "description": self.description.data,
            "counterparty": self.counterparty.data or None,
            "voucher_no": self.voucher_no.data or None,
            "fund_vote_id": self.fund_vote_id.data,
        }


class QueryForm(FlaskForm):
    question = TextAreaField(_l("Your question about this entry"), validators=[DataRequired(), Length(min=2, max=2000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(min=2, max=2000)])


class ReverseForm(FlaskForm):
    reason = StringField(_l("Reason for the reversal"), validators=[DataRequired(), Length(max=500)])
