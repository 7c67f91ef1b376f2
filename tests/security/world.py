"""The two-street city with one object of every kind on each side: `own` objects belong to
city.compound (east street, `firm`, `contractor`), `other` objects to city.other (south street,
`other_firm`, a second contractor). Every `other` object carries a marker in its text, so a
response that leaks one can be caught by searching its body."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from pm_app.alerts.rules import compound_audiences
from pm_app.alerts.services import Finding, open_alert
from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.fees.counter import receipts
from pm_app.jobs.models import ImportUpload
from pm_app.org.models import FirmKind
from tests.factories import FirmFactory, UserFactory

MARK = "FOREIGN7Q"
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 500


@dataclass
class World:
    city: object
    ids: dict = field(default_factory=dict)  # kind → {"own": id, "other": id}
    markers: tuple = ()  # strings only the `other` side's objects carry


def _ok(response, status=201):
    assert response.status_code == status, (response.request.path, response.status_code, response.get_data(True)[:400])
    return response.json


def build(api, city) -> World:
    admin, regulator = api.as_(city.users["admin"]), api.as_(city.users["regulator"])
    other_contractor = FirmFactory(kind=FirmKind.contractor, name="丁建设")
    firm_users = {"own": city.users["firm_staff"], "other": UserFactory(role=Role.firm_staff, firm=city.other_firm)}
    members = {
        "own": city.users["committee_member"],
        "other": UserFactory(role=Role.committee_member, compound=city.other),
    }
    city.contract.fee_rate_fen = 200
    city.other_contract.fee_rate_fen = 200
    city.other_household.unit = "Q7-909"  # bills and payments name their household, not the compound
    world = World(city, markers=(MARK, city.other.name, city.other.code, city.other_street.name, "Q7-909"))
    ids = world.ids

    def put(kind, which, value):
        ids.setdefault(kind, {})[which] = value

    for which, compound, contractor, household, contract, firm in (
        ("own", city.compound, city.contractor, city.household, city.contract, city.firm),
        ("other", city.other, other_contractor, city.other_household, city.other_contract, city.other_firm),
    ):
        tag = MARK if which == "other" else "OWN"
        put("compound", which, compound.id)
        put("code", which, compound.code)
        put("household", which, household.id)
        put("contract", which, contract.id)
        put("firm", which, firm.id)
        put("user", which, firm_users[which].id)
        # A tracked job of each firm (bills for all its compounds): its summary names the compounds.
        job = _ok(
            api.as_(firm_users[which]).post("/api/v1/bills/generate", json={"firm_id": firm.id, "period": "2026-09"}),
            202,
        )
        put("job", which, job["job_id"])
        # A file staged for an import and not yet confirmed: its uploader's alone (the other side's
        # by the other firm's staff, so even the city's roles meet it as foreign).
        staged = ImportUpload(
            kind="households",
            target_id=compound.id,
            options={},
            filename=f"{tag}.csv",
            size=3,
            data=b"a,b",
            created_by_id=(city.users["street_officer"] if which == "own" else firm_users["other"]).id,
        )
        db.session.add(staged)
        db.session.flush()
        put("upload", which, staged.id)
        _ok(admin.post("/api/v1/bills/generate", json={"compound_id": compound.id, "period": "2026-09"}), 200)
        bill = admin.get(f"/api/v1/bills?compound_id={compound.id}").json[0]
        put("bill", which, bill["id"])
        payment = _ok(
            admin.post(
                "/api/v1/payments",
                json={"bill_id": bill["id"], "amount": "10.00", "method": "cash"},
                headers={"Idempotency-Key": f"walk-{which}"},
            )
        )
        put("payment", which, payment["id"])
        put("receipt", which, receipts.of_payment(payment["id"]).id)  # every payment has its receipt
        project = _ok(
            admin.post(
                "/api/v1/projects",
                json={
                    "compound_id": compound.id,
                    "name": f"{tag}改造工程",
                    "year": 2024,
                    "contractor_id": contractor.id,
                    "acceptance_date": "2024-06-30",
                    "contract_amount": "1000000.00",
                    "quality_deposit": "30000.00",
                    "deposit_release_date": "2029-06-30",
                },
            )
        )
        put("project", which, project["id"])
        item = _ok(
            admin.post(
                f"/api/v1/projects/{project['id']}/items", json={"category": "road_paving", "description": f"{tag}路面"}
            )
        )
        put("item", which, item["id"])
        _ok(
            admin.post(
                "/api/v1/inspections",
                json={
                    "compound_id": compound.id,
                    "project_id": project["id"],
                    "inspected_on": "2026-05-20",
                    "participants": "联合检查",
                    "score": 80,
                    "summary": f"{tag}检查",
                    "findings": [{"description": f"{tag}路面开裂", "warranty_item_id": item["id"]}],
                },
            )
        )
        claim = admin.get(f"/api/v1/warranty-claims?project_id={project['id']}").json[0]
        put("claim", which, claim["id"])
        document = _ok(
            admin.post(
                f"/api/v1/projects/{project['id']}/documents",
                data={"kind": "pipe_network", "file": (BytesIO(b"%PDF-1.4 walk"), "g.pdf")},
                content_type="multipart/form-data",
            )
        )
        put("document", which, document["id"])
        ticket = _ok(
            admin.post(
                "/api/v1/tickets",
                json={
                    "compound_id": compound.id,
                    "category": "water_leak",
                    "source": "phone",
                    "description": f"{tag}雨水管漏水",
                },
            )
        )
        put("ticket", which, ticket["id"])
        put("tracking_code", which, ticket["tracking_code"])
        attachment = _ok(
            admin.post(
                f"/api/v1/tickets/{ticket['id']}/attachments",
                data={"photo": (BytesIO(JPEG), "p.jpg")},
                content_type="multipart/form-data",
            )
        )
        put("attachment", which, attachment["id"])
        committee = _ok(
            admin.post(
                "/api/v1/committees",
                json={
                    "compound_id": compound.id,
                    "kind": "owners_committee",
                    "elected_on": "2024-03-01",
                    "term_years": 5,
                    "members": [
                        {"name": f"{tag}委员{i}", "role": "chair" if i == 0 else "member", "phone": f"1390000{i:04d}"}
                        for i in range(5)
                    ],
                },
            )
        )
        put("committee", which, committee["id"])
        firm_api = api.as_(firm_users[which])
        entry = _ok(
            firm_api.post(
                f"/api/v1/ledger/{compound.id}/entries",
                json={
                    "account": "maintenance_fund",
                    "direction": "in",
                    "amount": "1000.00",
                    "date": "2026-01-15",
                    "description": f"{tag}维修资金",
                },
            )
        )
        put("entry", which, entry["id"])
        query = _ok(
            api.as_(members[which]).post(
                f"/api/v1/ledger/{compound.id}/entries/{entry['id']}/queries", json={"question": f"{tag}这笔钱从哪里来"}
            )
        )
        put("query", which, query["id"])
        vote = _ok(
            admin.post(
                "/api/v1/fund-votes",
                json={
                    "compound_id": compound.id,
                    "purpose": f"{tag}屋面防水",
                    "amount": "100.00",
                    "voted_on": "2026-03-01",
                    "participating_area": "80.00",
                    "participating_households": 1,
                    "approving_area": "80.00",
                    "approving_households": 1,
                },
            )
        )
        put("vote", which, vote["id"])
        alert = open_alert(
            "walk",
            f"walk:{which}",
            Finding(
                "compound",
                compound.id,
                f"{tag}提醒",
                compound_id=compound.id,
                firm_id=firm.id,
                audiences=compound_audiences(compound.street_id, compound.id, firm.id),
            ),
        )
        put("alert", which, alert.id)
        endpoint = _ok(
            admin.post(
                "/api/v1/notification-endpoints",
                json={
                    "audience": "street",
                    "org_id": compound.street_id,
                    "channel": "email",
                    "target": f"{'own' if which == 'own' else 'qita'}@example.com, {tag}",
                },
            )
        )  # the tag: a leak shows
        put("endpoint", which, endpoint["id"])
    db.session.flush()

    period = _ok(regulator.post("/api/v1/rankings/periods", json={"period": "2026Q2"}))
    put("period", "own", period["id"])
    put("period", "other", period["id"])
    _ok(regulator.post(f"/api/v1/rankings/periods/{period['id']}/compute"), 200)
    for which, firm in (("own", city.firm), ("other", city.other_firm)):
        tag = MARK if which == "other" else "OWN"
        deduction = _ok(
            regulator.post(
                "/api/v1/deductions",
                json={"period_id": period["id"], "firm_id": firm.id, "points": "1", "reason": f"{tag}消防通道堵塞"},
            )
        )
        put("adjustment", which, deduction["id"])
    _ok(regulator.post(f"/api/v1/rankings/periods/{period['id']}/review"), 200)
    for which in ("own", "other"):
        appeal = _ok(
            api.as_(firm_users[which]).post(
                "/api/v1/appeals",
                json={
                    "deduction_id": ids["adjustment"][which],
                    "grounds": f"{'OWN' if which == 'own' else MARK}已整改",
                },
            )
        )
        put("appeal", which, appeal["id"])
    return world
