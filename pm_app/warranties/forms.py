"""Forms of the works pages. They check shape (a date, an amount in yuan, a score 0–100); the
rules (category minimums, who may decide, release while claims are open) are the services',
whose refusals `pm_app.fees.forms.report` puts next to the fields they concern.

Selects whose choices come from the database (contractors, projects, categories, items) get
them from the view before validation: `choices_from(...)`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from pm_app.common.forms import day_in_range, optional_int
from pm_app.common.inputs import InputError, parse_amount
from pm_app.common.money import AmountError, yuan_to_fen
from pm_app.org.labels import RENOVATION_TYPES, choices
from pm_app.warranties.import_columns import MAX_QUANTITY
from pm_app.warranties.labels import DEPOSIT_TERMS, FUNDING_SOURCES
from pm_app.warranties.models import DepositTerms

FINDING_ROWS = 3  # empty rows are ignored; an inspection with more findings is recorded twice or via the API


class Yuan(StringField):
    """Yuan as typed ("1200000", "1,200,000.00"); `fen` holds the amount after validation, None if empty."""

    fen: int | None = None

    def post_validate(self, form, validation_stopped):
        text = (self.data or "").strip().replace(",", "")
        if validation_stopped or not text:
            self.fen = None
            return
        try:
            self.fen = yuan_to_fen(text)
        except AmountError:
            raise ValidationError(_l("Write an amount in yuan, such as 71.60.")) from None
        if self.fen < 0:
            raise ValidationError(_l("The amount cannot be negative."))


class Quantity(StringField):
    """A quantity as typed ("35.5"), read like every number the API takes (common.inputs: ASCII
    digits, at most two decimals, bounded time) and at most MAX_QUANTITY, as in the import. WTForms'
    DecimalField took "sNaN" to a 500 and "1e500000" or "Infinity" to the NUMERIC(14, 2) column.
    `data` is the Decimal after validation, None when empty."""

    def post_validate(self, form, validation_stopped):
        text = self.data.strip() if isinstance(self.data, str) else ""
        if validation_stopped or not text:
            self.data = None
            return
        try:
            number = parse_amount(text, 2, "quantity")
        except InputError:
            raise ValidationError(_l("Write a quantity such as 35.50.")) from None
        if not 0 <= number <= MAX_QUANTITY:
            raise ValidationError(_l("The quantity must be between 0 and %(max)d.", max=MAX_QUANTITY))
        self.data = number


class ProjectForm(FlaskForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=128)])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=1990, max=2100)])
    renovation_type = SelectField(
        _l("Renovation type"), choices=[("", "—"), *choices(RENOVATION_TYPES)], validators=[Optional()]
    )
    contractor_id = SelectField(_l("Contractor"), coerce=optional_int, validators=[DataRequired()])
    supervisor_id = SelectField(_l("Supervisor"), coerce=optional_int, validators=[Optional()])
    acceptance_date = DateField(_l("Acceptance date"), validators=[DataRequired(), day_in_range])
    contract_amount = Yuan(_l("Contract amount (yuan)"))
    deposit = Yuan(_l("Quality deposit (yuan)"))
    deposit_release_date = DateField(_l("Planned deposit release"), validators=[Optional(), day_in_range])
    # Issue 26 (deposit_rules.py, funding.py)
    deposit_terms = SelectField(
        _l("Deposit in the contract"), choices=[("", "—"), *choices(DEPOSIT_TERMS)], validators=[Optional()]
    )
    settlement_amount = Yuan(_l("Settlement amount (yuan; once settled, the base of the 3 per cent cap)"))
    planned_start = DateField(_l("Planned start"), validators=[Optional(), day_in_range])
    planned_completion = DateField(_l("Planned completion"), validators=[Optional(), day_in_range])
    # Shown to the regulator only (seed 004 §九(五); warranties.services.check_arrangement).
    arrangement_override_reason = TextAreaField(
        _l("Reason to go ahead without a management arrangement (regulator)"), validators=[Optional(), Length(max=1000)]
    )

    def data_for_service(self, compound_id: int) -> dict:
        data = {
            "compound_id": compound_id,
            "name": self.name.data.strip(),
            "year": self.year.data,
            "renovation_type": self.renovation_type.data or None,
            "contractor_id": self.contractor_id.data,
            "supervisor_id": self.supervisor_id.data,
            "acceptance_date": self.acceptance_date.data,
            "contract_amount_fen": self.contract_amount.fen,
            "deposit_fen": self.deposit.fen or 0,
            "deposit_release_date": self.deposit_release_date.data,
            "arrangement_override_reason": self.arrangement_override_reason.data,
        }
        data["funding"] = {
            source: getattr(self, f"funding_{source.value}").fen
            for source in FUNDING_SOURCES
            if getattr(self, f"funding_{source.value}").fen
        }
        data.update(
            deposit_terms=DepositTerms(self.deposit_terms.data) if self.deposit_terms.data else None,
            settlement_amount_fen=self.settlement_amount.fen,
            planned_start=self.planned_start.data,
            planned_completion=self.planned_completion.data,
        )
        return data


# One amount field per funding source, named after it: funding_central, funding_city, …
for _source, _label in FUNDING_SOURCES.items():
    setattr(ProjectForm, f"funding_{_source.value}", Yuan(_label))


class ItemForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=optional_int, validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=256)])
    quantity = Quantity(_l("Quantity"), validators=[Optional()])
    unit = StringField(_l("Unit of measure"), validators=[Optional(), Length(max=16)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=128)])
    warranty_years = IntegerField(
        _l("Warranty years (empty: the category minimum)"), validators=[Optional(), NumberRange(min=1, max=50)]
    )
    warranty_start = DateField(_l("Warranty start (empty: the acceptance date)"), validators=[Optional(), day_in_range])

    def data_for_service(self) -> dict:
        return {
            "category": self.category.data,
            "description": self.description.data.strip(),
            "quantity": self.quantity.data,
            "unit": self.unit.data or None,
            "location": self.location.data or None,
            "warranty_years": self.warranty_years.data,
            "warranty_start": self.warranty_start.data,
        }


class FindingForm(Form):
    """One finding row (a plain Form: the inspection form's CSRF token covers it)."""

    text = StringField(_l("Finding"), validators=[Length(max=2000)])  # no Optional: it would skip validate_text
    item_id = SelectField(_l("Warranty item"), coerce=optional_int, validators=[Optional()])

    def validate_text(self, field) -> None:
        # A row with an item but no words was dropped silently, and the chosen item with it.
        if self.item_id.data is not None and not (field.data or "").strip():
            raise ValidationError(_l("Say what was found on this item."))


class InspectionForm(FlaskForm):
    inspected_on = DateField(_l("Inspection date"), validators=[DataRequired(), day_in_range])
    project_id = SelectField(_l("Project (empty: the whole compound)"), coerce=optional_int, validators=[Optional()])
    participants = TextAreaField(_l("Participants"), validators=[DataRequired(), Length(max=2000)])
    score = IntegerField(_l("Score (0–100)"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    findings = FieldList(FormField(FindingForm), min_entries=FINDING_ROWS, max_entries=FINDING_ROWS)

    def data_for_service(self, compound_id: int) -> dict:
        rows = [entry.form for entry in self.findings]
        findings = [
            {"description": row.text.data.strip(), "warranty_item_id": row.item_id.data}
            for row in rows
            if (row.text.data or "").strip()
        ]
        return {
            "compound_id": compound_id,
            "project_id": self.project_id.data,
            "inspected_on": self.inspected_on.data,
            "participants": self.participants.data.strip(),
            "score": self.score.data,
            "summary": (self.summary.data or "").strip() or None,
            "findings": findings,
        }


class DepositForm(FlaskForm):
    amount = Yuan(_l("Amount (yuan; empty: all that is left)"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class CloseClaimForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=2000)])


def choices_from(rows, label, empty: str | None = None) -> list[tuple]:
    """(id, label) pairs for a select from rows; `empty` adds a first "none" choice."""
    pairs = [(row.id, label(row)) for row in rows]
    return [("", empty), *pairs] if empty is not None else pairs
