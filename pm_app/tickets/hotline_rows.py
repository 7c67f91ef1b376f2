"""The columns of a 12345 platform export and what one order of it must say.

Platforms and their versions name the columns differently (工单号 / 工单编号, 来电时间 / 受理时间);
headers are NFKC-normalised first (full-width letters, ideographic spaces) and then looked up in
ALIASES; of two columns naming one field the more usual name (earlier in ALIASES) wins, and a
platform export's other columns (承办单位, 回访结果…) are ignored. Reading, the header and the
row loop are common.imports'. Every problem of a row is reported, naming the column as the file names it, so one round
of corrections is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from pm_app.common.clock import now
from pm_app.common.imports.cells import cell_text, when_cell
from pm_app.common.imports.headers import Column, Layout
from pm_app.common.inputs import FIRST_DAY, normal, text_problem
from pm_app.tickets.schemas import EXTERNAL_REF

FIELDS = (
    "external_ref",
    "reported_at",
    "reporter_name",
    "reporter_phone",
    "address",
    "content",
    "category",
    "deadline",
)
REQUIRED = ("external_ref", "reported_at", "content")
# Header as written (after headers.header_key) → field. English names too, for scripts.
ALIASES = {
    **{field: field for field in FIELDS},
    "工单编号": "external_ref",
    "工单号": "external_ref",
    "编号": "external_ref",
    "工单编码": "external_ref",
    "受理编号": "external_ref",
    "受理时间": "reported_at",
    "来电时间": "reported_at",
    "登记时间": "reported_at",
    "派单时间": "reported_at",
    "诉求人": "reporter_name",
    "来电人": "reporter_name",
    "市民姓名": "reporter_name",
    "联系人": "reporter_name",
    "姓名": "reporter_name",
    "联系电话": "reporter_phone",
    "来电号码": "reporter_phone",
    "电话": "reporter_phone",
    "联系方式": "reporter_phone",
    "诉求地址": "address",
    "事发地址": "address",
    "地址": "address",
    "事发地点": "address",
    "诉求内容": "content",
    "问题描述": "content",
    "内容": "content",
    "诉求描述": "content",
    "工单内容": "content",
    "问题分类": "category",
    "诉求分类": "category",
    "类别": "category",
    "分类": "category",
    "问题类型": "category",
    "办理时限": "deadline",
    "办结时限": "deadline",
    "处理时限": "deadline",
}
MISSING_NAMES = {"external_ref": "工单编号", "reported_at": "受理时间", "content": "诉求内容"}
LAYOUT = Layout(
    columns=tuple(
        Column(
            field,
            tuple(alias for alias, target in ALIASES.items() if target == field and alias != field),
            required=field in REQUIRED,
        )
        for field in FIELDS
    ),
    repeats_allowed=True,
    ragged_check=False,
    shown=MISSING_NAMES,
)
# What a person reads for each field in a message: the file's own header.
MAX_LENGTH = {"reporter_name": 64, "address": 128, "content": 2000, "category": 100, "deadline": 64}
PHONE = re.compile(r"[0-9+\-* ]{3,32}", re.ASCII)  # platforms often mask the middle: 138****5678
_EXTERNAL_REF = re.compile(EXTERNAL_REF, re.ASCII)
# "2026年10月3日 9:12" as some platforms print it, made "2026-10-3 9:12" for when_cell.
_CHINESE_DAY = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?\s*")
_SECONDS = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})\.\d+$")


@dataclass
class Order:
    """One order of the file, as read: the cells turned into a ticket's values."""

    row: int
    external_ref: str
    reported_at: datetime | None
    reporter_name: str | None
    reporter_phone: str | None
    address: str
    content: str
    category_text: str
    deadline: datetime | None
    deadline_text: str


class OrderReader:
    """Turns each row into an Order, or into that row's problems (named by the file's headers).
    No "more cells than the header" check: a platform export's other columns are read past."""

    def __init__(self):
        self.headers: dict[str, str] = {}  # field → the header as the file writes it
        self.at = now()

    def check(self, number: int, raw: dict, header) -> tuple[Order | None, list[str]]:
        self.headers = header.written
        problems: list[str] = []
        order = self._clean(number, raw, problems)
        return (None if problems else order), problems

    def _name(self, field: str) -> str:
        return self.headers.get(field, field)

    def _text(self, field: str, value, problems: list[str]) -> str:
        text = normal(cell_text(value)).strip()
        problem = text_problem(text, single_line=field != "content")
        if problem:
            problems.append(
                _("%(column)s must be one line of text without control characters", column=self._name(field))
            )
        elif field in MAX_LENGTH and len(text) > MAX_LENGTH[field]:
            problems.append(
                _("%(column)s is longer than %(max)d characters", column=self._name(field), max=MAX_LENGTH[field])
            )
        return text

    def _clean(self, number: int, raw: dict, problems: list[str]) -> Order:
        ref = normal(cell_text(raw.get("external_ref"))).strip()
        if not ref:
            problems.append(_("%(column)s is missing", column=self._name("external_ref")))
        elif not _EXTERNAL_REF.fullmatch(ref):
            problems.append(
                _(
                    '%(column)s "%(value)s" is not an order number (letters, digits and - _ . / only, at most 64)',
                    column=self._name("external_ref"),
                    value=ref[:70],
                )
            )
        content = self._text("content", raw.get("content"), problems)
        if len(content) < 2:
            problems.append(_("%(column)s is missing", column=self._name("content")))
        phone = self._text("reporter_phone", raw.get("reporter_phone"), problems)
        if phone and not PHONE.fullmatch(phone):
            problems.append(
                _('%(column)s "%(value)s" is not a phone number', column=self._name("reporter_phone"), value=phone[:40])
            )
        deadline_text = self._text("deadline", raw.get("deadline"), problems)
        return Order(
            row=number,
            external_ref=ref,
            reported_at=self._reported(raw.get("reported_at"), problems),
            reporter_name=self._text("reporter_name", raw.get("reporter_name"), problems) or None,
            reporter_phone=phone or None,
            address=self._text("address", raw.get("address"), problems),
            content=content,
            category_text=self._text("category", raw.get("category"), problems),
            deadline=when(deadline_text) if deadline_text else None,
            deadline_text=deadline_text,
        )

    def _reported(self, value, problems: list[str]) -> datetime | None:
        column = self._name("reported_at")
        if cell_text(value) == "":
            problems.append(_("%(column)s is missing", column=column))
            return None
        moment = value if isinstance(value, datetime) else when(normal(cell_text(value)))
        moment = when_cell(moment) if moment is not None else None
        if moment is None:
            problems.append(
                _(
                    '%(column)s "%(value)s" is not a date and time such as 2026-10-03 09:12',
                    column=column,
                    value=cell_text(value)[:40],
                )
            )
        elif moment > self.at:
            problems.append(
                _("%(column)s %(value)s is in the future", column=column, value=moment.strftime("%Y-%m-%d %H:%M"))
            )
        elif moment.date() < FIRST_DAY:
            problems.append(_("%(column)s %(value)s is too long ago", column=column, value=moment.strftime("%Y-%m-%d")))
        return moment


def when(text: str) -> datetime | None:
    """A time of the city written as platforms print it: 2026-10-03 09:12:00, 2026/10/3 9:12,
    2026.10.03, 2026年10月3日 9时12分; None when it is none of them."""
    text = normal(text).strip()
    text = _CHINESE_DAY.sub(r"\1-\2-\3 ", text).replace("时", ":").replace("分", "").replace("秒", "").strip()
    text = _SECONDS.sub(r"\1:\2:\3", text)  # "09:12:00.000" of some exports
    if not text.isascii():
        return None
    return when_cell(text)
