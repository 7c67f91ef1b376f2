"""A committee's question on the books reaches whoever keeps them (the firm holding the
contract, or the 自管会 or street office of a fee arrangement: org.parties), through the alerts'
outbox; answering it takes the notice out of their open list."""

from __future__ import annotations

from flask import url_for

from pm_app.alerts.notices import notify, settle, subject_link
from pm_app.committees.models import LedgerEntry, LedgerQuery
from pm_app.extensions import db
from pm_app.org import parties
from pm_app.org.models import Compound

RULE = "notice_ledger_query"
QUESTION_CHARS = 40


@subject_link("ledger_query")
def _queries_page(query_id: int, _reader) -> str:
    return url_for("accounts.queries_list", open=1) + f"#query-{query_id}"


def keeper_audience(compound: Compound) -> tuple[str, int] | None:
    """The books' keeper as an alert audience (a committee is addressed by its compound)."""
    party = parties.current(compound.id)
    if party is None:
        return None
    if party.kind == parties.COMMITTEE:
        return ("committee", compound.id)
    return (party.kind, party.id)


def raised(query: LedgerQuery) -> None:
    compound = db.session.get(Compound, query.compound_id)
    audience = keeper_audience(compound)
    entry = db.session.get(LedgerEntry, query.entry_id)
    text = " ".join(query.question.split())
    text = text if len(text) <= QUESTION_CHARS else text[:QUESTION_CHARS] + "…"
    notify(
        RULE,
        "raised",
        "ledger_query",
        query.id,
        f"{compound.name}: 业委会对第 {entry.seq} 笔账目提出质询「{text}」，请回复",
        [audience] if audience else [],
        compound_id=compound.id,
        firm_id=audience[1] if audience and audience[0] == "firm" else None,
    )


def answered(query: LedgerQuery) -> None:
    settle(RULE, "ledger_query", query.id)
