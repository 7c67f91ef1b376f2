"""Payment replay through a real HTTP server (werkzeug, threaded) on PostgreSQL: each key sent
several times at once, some by clients that hang up before the answer and retry. The bigger run
is `python bench/payment_replay.py` against gunicorn."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from pm_app.auth.models import Role
from pm_app.auth.services import issue_token
from pm_app.extensions import db
from pm_app.fees import keys
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.models import Bill, Payment
from pm_app.fees.payments import check_totals
from tests.factories import BuildingFactory, ContractFactory, HouseholdFactory, UserFactory


@pytest.fixture
def server(app):
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield live.server_port
    live.shutdown()


def _post(port, token, body, key, hang_up=False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/v1/payments",
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
        )
        if hang_up:
            return None  # the client's timeout: it never reads the answer
        response = conn.getresponse()
        return response.status, json.loads(response.read()).get("id"), response.getheader("Idempotent-Replayed")
    finally:
        conn.close()


@pytest.mark.postgres_only
@pytest.mark.commits
def test_replayed_keys_over_http_make_one_payment_each_to_the_fen(app, server):
    contract = ContractFactory(fee_rate_fen=200)
    building = BuildingFactory(compound_id=contract.compound.id)
    for n in range(12):
        HouseholdFactory(building=building, unit=f"1-{n}", floor_area_dm2=10000)  # 200.00 a month
    admin = UserFactory(role=Role.admin)
    generate_for_compound(admin, contract.compound, "2026-09")
    token = issue_token(admin)
    db.session.commit()
    bill_ids = list(db.session.scalars(select(Bill.id).order_by(Bill.id)))
    # Two keys per bill racing on its row lock: 12.34 and 56.78 (6,912 fen a bill).
    payments = [
        (f"k-{b}-{n}", {"bill_id": b, "amount": amount, "method": "cash"})
        for b in bill_ids
        for n, amount in enumerate(("12.34", "56.78"))
    ]
    sends = [(key, body, copy == 0 and i % 3 == 0) for i, (key, body) in enumerate(payments) for copy in range(4)]
    answers = defaultdict(list)

    def send(item):
        key, body, hang_up = item
        if hang_up:
            _post(server, token, body, key, hang_up=True)
            time.sleep(0.2)  # then retries with the same key
        answers[key].append(_post(server, token, body, key))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(send, sends))
    db.session.remove()
    rows = dict(db.session.execute(select(Payment.idempotency_key, Payment.id)).all())
    assert {status for copies in answers.values() for status, _, _ in copies} == {201}
    # keys are stored in the caller's space (the admin's is the city's), hashed (fees.keys)
    assert all(
        {pid for _, pid, _ in copies} == {rows[keys.digest("payment", "city", 0, key)]}
        for key, copies in answers.items()
    )
    assert all(sum(r == "false" for _, _, r in copies) <= 1 for copies in answers.values())
    assert len(rows) == len(payments) == 24
    assert db.session.scalar(select(func.sum(Payment.amount_fen))) == 12 * 6912
    assert db.session.scalar(select(func.sum(Bill.paid_fen))) == 12 * 6912
    assert check_totals() == []
