"""Labels and forms of joint acceptance and the handed-over documents on the project page.
Participants are typed per role, names separated by 、 or commas, as they are signed on the
acceptance record (验收记录)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from pm_app.common.forms import day_in_range
from pm_app.warranties.acceptance_models import AcceptanceResult, AcceptanceStage, DocumentKind, ParticipantRole

STAGES = {
    AcceptanceStage.district_self: _l("District self-acceptance"),
    AcceptanceStage.comprehensive: _l("City comprehensive acceptance"),
}
RESULTS = {AcceptanceResult.passed: _l("Passed"), AcceptanceResult.failed: _l("Failed, to be rectified")}
ROLES = {
    ParticipantRole.residents: _l("Residents' representatives"),
    ParticipantRole.district: _l("District departments"),
    ParticipantRole.builder: _l("Project owner unit"),
    ParticipantRole.construction: _l("Construction contractor"),
    ParticipantRole.design: _l("Design unit"),
    ParticipantRole.supervision: _l("Supervision unit"),
    ParticipantRole.street: _l("Street office"),
    ParticipantRole.community: _l("Community"),
    ParticipantRole.property: _l("Property management"),
}
DOCUMENT_KINDS = {
    DocumentKind.site_plan: _l("Site plan"),
    DocumentKind.pipe_network: _l("Underground utility pipe drawing"),
    DocumentKind.as_built: _l("As-built drawings"),
    DocumentKind.acceptance_report: _l("Completion acceptance report"),
    DocumentKind.handover_list: _l("Handover list"),
    DocumentKind.other: _l("Other documents"),
}
FINDING_ROWS = 3
NAMES = re.compile(r"[、,，;；\r\n]+")  # not spaces: "城建三公司 李工" is one person


def acceptance_label(value) -> str:
    for table in (STAGES, RESULTS, ROLES, DOCUMENT_KINDS):
        if value in table:
            return str(table[value])
    return "" if value is None else str(getattr(value, "value", value))


class AcceptanceFindingRow(Form):
    """One defect (a plain Form: the acceptance form's CSRF token covers it)."""

    description = StringField(_l("Defect"), validators=[Optional(), Length(max=2000)])
    rectify_by = DateField(_l("Rectify by"), validators=[Optional(), day_in_range])


class AcceptanceForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=[(k.value, v) for k, v in STAGES.items()], validators=[DataRequired()])
    held_on = DateField(_l("Acceptance date"), validators=[DataRequired(), day_in_range])
    result = SelectField(_l("Result"), choices=[(k.value, v) for k, v in RESULTS.items()], validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    findings = FieldList(FormField(AcceptanceFindingRow), min_entries=FINDING_ROWS, max_entries=FINDING_ROWS)

    def data_for_service(self) -> dict:
        participants = [
            {"role": role.value, "name": name.strip()[:64]}
            for role in ROLES
            for name in NAMES.split(getattr(self, f"role_{role.value}").data or "")
            if name.strip()
        ]
        findings = [
            {"description": row.form.description.data, "rectify_by": row.form.rectify_by.data}
            for row in self.findings
            if (row.form.description.data or "").strip()
        ]
        return {
            "stage": AcceptanceStage(self.stage.data),
            "held_on": self.held_on.data,
            "result": AcceptanceResult(self.result.data),
            "summary": self.summary.data,
            "participants": participants,
            "findings": findings,
        }


# One names field per role: role_residents, role_construction, …
for _role, _label in ROLES.items():
    setattr(
        AcceptanceForm,
        f"role_{_role.value}",
        StringField(_label, validators=[Optional(), Length(max=500)], description=_l("names, separated by 、")),
    )


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Kind of document"), choices=[(k.value, v) for k, v in DOCUMENT_KINDS.items()], validators=[DataRequired()]
    )
    title = StringField(_l("Title"), validators=[Optional(), Length(max=128)])
    file = FileField(_l("File (PDF, JPEG, PNG or DWG)"), validators=[FileRequired()])
