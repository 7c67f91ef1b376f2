"""The change trail: every audited kind leaves a row with who, when, what and the changed
columns before and after (money in integer fen); bulk statements leave a summary row; secrets
never appear; seeding writes nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from pm_app.audit.context import acting_as, paused
from pm_app.audit.models import AuditEvent
from pm_app.auth import services as accounts
from pm_app.auth.models import Role
from pm_app.committees.models import CommitteeMember
from pm_app.extensions import db
from tests.audit.conftest import events, last
from tests.factories import UserFactory


def test_every_audited_kind_leaves_rows_when_the_world_is_built_through_the_api(world):
    """The security world posts bills, payments, committees, books, votes, rankings, deductions and
    appeals through the API: each kind is in the trail with the action it went through."""
    seen = set(db.session.execute(select(AuditEvent.kind, AuditEvent.action).distinct()).all())
    expected = {
        ("bill", "bulk_insert"),
        ("bill", "update"),
        ("payment", "create"),
        ("service_contract", "update"),
        ("committee", "create"),
        ("committee_member", "create"),
        ("ledger_entry", "create"),
        ("ledger_query", "create"),
        ("fund_vote", "create"),
        ("ranking_period", "create"),
        ("ranking_period", "update"),
        ("ranking_adjustment", "create"),
        ("ranking_appeal", "create"),
        ("user", "create"),
    }
    assert expected <= seen, expected - seen


def test_a_payment_records_the_payment_and_the_bill_totals_before_and_after(world, api):
    admin = world.city.users["admin"]
    bill_id = world.ids["bill"]["own"]
    paid = api.as_(admin).post(
        "/api/v1/payments",
        json={"bill_id": bill_id, "amount": "0.25", "method": "cash"},
        headers={"Idempotency-Key": "audit-1", "X-Request-ID": "req-audit-1"},
    )
    assert paid.status_code == 201 and paid.headers["X-Request-ID"] == "req-audit-1"  # one id: answer, logs, trail
    payment = last(kind="payment", object_id=str(paid.json["id"]))
    assert payment.action == "create" and payment.before is None
    assert payment.after["amount_fen"] == 25 and payment.after["bill_id"] == bill_id
    assert payment.after["method"] == "cash" and payment.after["recorded_by_id"] == admin.id
    bill = last(kind="bill", object_id=str(bill_id))
    assert bill.action == "update" and bill.before["paid_fen"] == 1000 and bill.after["paid_fen"] == 1025
    assert set(bill.after) <= {"paid_fen", "status"}  # only what changed
    for row in (payment, bill):
        assert (row.actor_id, row.actor_name) == (admin.id, admin.username)
        assert (row.method, row.path, row.request_id, row.ip) == (
            "POST",
            "/api/v1/payments",
            "req-audit-1",
            "127.0.0.1",
        )
        assert row.at.tzinfo is not None


def test_a_reversal_and_a_waiver_are_recorded_with_their_amounts(world, api):
    admin = api.as_(world.city.users["admin"])
    payment_id, bill_id = world.ids["payment"]["own"], world.ids["bill"]["own"]
    reversal = admin.post(f"/api/v1/payments/{payment_id}/reversal", json={"reason": "记错户号"})
    assert reversal.status_code == 201
    row = last(kind="payment", object_id=str(reversal.json["id"]))
    assert row.after["amount_fen"] == -1000 and row.after["reversal_of_id"] == payment_id
    bill = last(kind="bill", object_id=str(bill_id))
    assert (bill.before["paid_fen"], bill.after["paid_fen"]) == (1000, 0)
    waived = admin.post(
        f"/api/v1/bills/{bill_id}/waivers", json={"amount": "1.00", "reason": "低保户", "approved_by": "业委会"}
    )
    assert waived.status_code == 201, waived.json
    waiver = last(kind="waiver")
    assert waiver.action == "create" and waiver.after["amount_fen"] == 100 and waiver.after["bill_id"] == bill_id
    assert (last(kind="bill", object_id=str(bill_id)).after["waived_fen"]) == 100


def test_bill_generation_is_one_summary_row_with_its_count_and_scope(api, city):
    city.contract.fee_rate_fen = 150
    db.session.flush()
    generated = api.as_(city.users["admin"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-05"}
    )
    assert generated.status_code == 200 and generated.json["created"] == 1
    row = last(kind="bill", action="bulk_insert")
    assert row.detail["count"] == 1 and row.object_id is None
    assert "2026-05" in row.detail["scope"].values() and city.compound.id in row.detail["scope"].values()
    again = api.as_(city.users["admin"]).post(
        "/api/v1/bills/generate", json={"compound_id": city.compound.id, "period": "2026-05"}
    )
    assert again.json["created"] == 0 and last(kind="bill", action="bulk_insert").detail["count"] == 0
    contract = last(kind="service_contract", object_id=str(city.contract.id))
    assert contract.after == {"fee_rate_fen": 150} and isinstance(contract.before["fee_rate_fen"], int)


def test_publication_decisions_and_rankings_are_recorded(world, api):
    regulator = api.as_(world.city.users["regulator"])
    for which in ("own", "other"):
        decided = regulator.post(f"/api/v1/appeals/{world.ids['appeal'][which]}/decision", json={"accept": True})
        assert decided.status_code == 200
    appeal = last(kind="ranking_appeal", object_id=str(world.ids["appeal"]["own"]))
    assert (appeal.before["state"], appeal.after["state"]) == ("pending", "accepted")
    period_id = world.ids["period"]["own"]
    assert regulator.post(f"/api/v1/rankings/periods/{period_id}/publish").status_code == 200
    published = last(kind="ranking_period", object_id=str(period_id), action="update")
    assert (published.before["state"], published.after["state"]) == ("review", "published")
    assert published.after["published_by_id"] == world.city.users["regulator"].id


def test_user_records_create_role_change_disable_and_password_change_never_show_a_secret(city):
    admin = city.users["admin"]
    with acting_as(admin.username, admin.id):
        user = accounts.create_user("audited", "s3cret-pass-1", Role.street_officer, street_ids=[city.street.id])
        created = last(kind="user", object_id=str(user.id))
        assert created.action == "create" and created.after["role"] == "street_officer"
        assert created.after["street_ids"] == [city.street.id] and created.after["password_hash"] == "***"
        assert (created.actor_id, created.actor_name) == (admin.id, admin.username)
        user.role, user.streets = Role.regulator, []
        db.session.flush()
        changed = last(kind="user", object_id=str(user.id))
        assert changed.before == {"role": "street_officer", "street_ids": [city.street.id]}
        assert changed.after == {"role": "regulator", "street_ids": []}
        accounts.set_active(user, False)
        db.session.flush()
        disabled = last(kind="user", object_id=str(user.id))
        assert disabled.before == {"active": True, "session_version": 0}
        assert disabled.after == {"active": False, "session_version": 1}
        old_hash = user.password_hash
        accounts.set_password(user, "n3w-secret-pass")
        db.session.flush()
        changed = last(kind="user", object_id=str(user.id))
        assert changed.before["password_hash"] == changed.after["password_hash"] == "***"
    text = json.dumps([(e.before, e.after, e.detail) for e in events()], ensure_ascii=False)
    for secret in ("s3cret-pass-1", "n3w-secret-pass", old_hash, user.password_hash, "scrypt:"):
        assert secret not in text


def test_a_delete_keeps_every_column_before_and_personal_data_is_masked(world):
    member = db.session.scalars(select(CommitteeMember).order_by(CommitteeMember.id)).first()
    created = last(kind="committee_member", object_id=str(member.id))
    assert created.after["phone"] == "*******0000"  # the last four digits only
    db.session.expire(member)  # nothing loaded: the "before" comes from the database
    db.session.delete(member)
    db.session.flush()
    deleted = last(kind="committee_member", object_id=str(member.id))
    assert deleted.action == "delete" and deleted.after is None
    assert deleted.before["name"] == member.name and deleted.before["committee_id"] == member.committee_id


def test_an_update_of_a_value_never_loaded_still_has_its_before(city):
    contract = city.contract
    old = contract.fee_rate_fen
    db.session.expire(contract)  # as after a commit: assigning does not load the old value
    contract.fee_rate_fen = old + 7
    db.session.flush()
    row = last(kind="service_contract", object_id=str(contract.id))
    assert row.before == {"fee_rate_fen": old} and row.after == {"fee_rate_fen": old + 7}


def test_outside_a_request_the_actor_is_the_system_and_paused_writes_nothing(city):
    city.contract.fee_rate_fen = 321
    db.session.flush()
    assert last(kind="service_contract").actor_name == "system"
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    with paused():
        UserFactory(role=Role.admin)
        city.contract.fee_rate_fen = 322
        db.session.flush()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count


def test_a_rolled_back_change_leaves_no_change_row(city):
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    savepoint = db.session.begin_nested()
    city.contract.fee_rate_fen = 999
    db.session.flush()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count + 1
    savepoint.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count  # the row went with the change
