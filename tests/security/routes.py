"""Every registered endpoint, each with the rule the access walk applies to it. A route added to
the app without an entry here fails test_every_route_has_a_rule: whoever adds one decides here
whether it is public and how its URL arguments are filled.

  public  — answers anonymous callers (login, the residents' report and tracking pages, the
            published rankings, static files, the API description);
  scoped  — everything else: signed-in callers only, and an object outside the caller's scope is
            answered like one that does not exist.
"""
from __future__ import annotations

PUBLIC = {
    "auth.login", "auth_api.token", "static", "assets.plotly", "api-docs.openapi_json",
    "tickets_public.report", "tickets_public.poster", "tickets_public.qr", "tickets_public.track_lookup",
    "tickets_public.track", "tickets_public.confirm", "tickets_public.reopen", "tickets_public.photo",
    "rankings_public.index", "rankings_public.firm", "public_rankings_api.rankings",
    "public_rankings_api.firm_history",
    "liveness.healthz",  # the load balancer's check: says nothing but "up"
    "ops.readyz",  # the balancer's readiness probe: names the failed check, never the reason
    "ops.prometheus",  # Prometheus: by address (PM_APP_METRICS_ALLOW), not by sign-in
}

SCOPED = {
    "home.index", "auth.logout", "auth.change_password", "auth_api.me", "auth_api.change_password",
    "admin.users", "admin.set_active", "admin.reset_password", "admin.new_user", "admin.end_sessions",
    "admin.cities", "admin.regulator_city",
    "audit.index", "audit_api.events",
    "alerts.inbox", "alerts.act", "alerts.health", "alerts_api.Alerts", "alerts_api.alert", "alerts_api.ack",
    "alerts_api.resolve", "alerts_api.health", "alerts_api.Endpoints",
    "alerts.ack_many", "alerts_api.ack_many", "alerts_api.acknowledgements",
    "org_api.Communities", "org_api.Compounds", "org_api.CompoundItem", "org_api.Households", "org_api.Contracts",
    "org_api.ContractItem", "org_api.Districts", "org_api.Firms", "org_api.FirmItem", "org_api.Streets",
    "org.compounds", "org.compound", "org.export_compounds", "org.firms", "org.firm", "org_import.upload",
    "org.new_contract", "org.new_compound", "org.edit_compound", "org.end_contract_page", "alerts.endpoints_page", "alerts.endpoint_change",
    "imports_api.HouseholdImport",
    "fees_api.ArrearsList", "fees_api.Bills", "fees_api.BillItem", "fees_api.Waivers", "fees_api.GenerateBills",
    "fees_api.CollectionRates", "fees_api.CompoundRates", "fees_api.HouseholdPayments", "fees_api.Payments",
    "fees_api.PaymentItem", "fees_api.Reversal", "fees_imports_api.BillImport",
    "bills.bill", "bills.pay", "bills.reverse", "bills.waive",
    "counter_api.HouseholdSearch", "counter_api.ReceiptItem", "counter_api.CashUp", "counter.search",
    "counter.account", "counter.pay", "counter.receipt", "counter.cash_up", "counter.export_cash_up",
    "fees.compound", "fees.export_arrears", "fees.export_bills", "fees.generate", "fees.export_history",
    "fees_import.upload", "fees_overview.index", "fees_overview.export_compounds", "fees_overview.export_rates",
    "warranties_api.Inspections", "warranties_api.Projects", "warranties_api.ProjectItem",
    "warranties_api.DepositHistory", "warranties_api.Deposit", "warranties_api.ProjectItems",
    "warranties_api.Categories", "warranties_api.Claims", "warranties_api.CloseClaim",
    "warranties_api.WarrantyItems", "warranties_api.WarrantyItemDetail", "warranties_imports_api.ItemImport",
    "warranties.compound", "warranties.record_inspection", "warranties.add_item", "warranties.create_project",
    "projects.project", "projects.close_claim", "projects.decide", "warranties_import.upload",
    "acceptance_api.Acceptances", "acceptance_api.Documents", "acceptance_api.DocumentFile",
    "acceptance_pages.record", "acceptance_pages.upload", "acceptance_pages.document",
    "warranty_lists.index", "warranty_lists.expiring", "warranty_lists.export_expiring",
    "funding_api.Disbursements", "funding_api.Report", "renovation.record_payment", "renovation.report_page",
    "renovation.export_report",
    "tickets_api.Tickets", "tickets_api.Stats", "tickets_api.StatsExport", "ticket_lists.export_stats", "ticket_lists.stats_page", "tickets_api.TicketItem", "tickets_api.Escalate", "tickets_api.Route",
    "tickets_api.Transitions", "ticket_attachments_api.Attachments", "ticket_attachments_api.AttachmentFile",
    "fund_votes.page", "tickets.escalate", "tickets.dispatch_to", "tickets_api.Dispatch", "alerts.go", "accounts.queries_list",
    "tickets.new", "tickets.ticket", "tickets.reroute", "tickets.move", "ticket_photos.upload",
    "ticket_photos.photo", "ticket_lists.board", "ticket_lists.export_board", "ticket_lists.queue",
    "rankings_api.Appeals", "rankings_api.decide", "rankings_api.Deductions", "rankings_api.Periods",
    "rankings_api.PeriodItem", "rankings_api.period_compute", "rankings_api.correct",
    "rankings_api.period_publish", "rankings_api.period_review", "rankings_api.Schemes",
    "rankings.index", "rankings.decide", "ranking_firms.appeal", "rankings.create", "rankings.period",
    "rankings.step", "rankings.add_adjustment", "ranking_firms.result", "rankings.scheme",
    "rankings.appeals", "warranty_lists.export_items",  # issue 27: pending appeals; /warranties as filtered
    "committees_api.Committees", "committees_api.CommitteeItem", "committees_api.Filing",
    "committees_api.Coverage", "committees_api.Status", "committees_api.Votes", "committees_api.VoteItem",
    "committees_api.Answer", "committees_api.Balances", "committees_api.Entries", "committees_api.EntryItem",
    "committees_api.EntryQueries", "committees_api.CompoundQueries", "committees_api.Statement",
    "committees_api.Verify",
    "committees.filing", "committees.coverage", "committees.home", "committees.register",
    "committees.party_record", "committees_api.Party",
    "accounts.page", "accounts.post_entry", "accounts.raise_query", "accounts.reverse", "accounts.answer",
    "accounts.export_statement",
    "jobs.job", "jobs.progress", "jobs_api.job", "bulk_bills.choose", "jobs.import_preview",
    "hotline_api.HotlineImport", "hotline_api.HotlineReplies", "hotline.upload", "hotline.export_replies",
}

# URL argument → the kind of object it names (filled from World.ids, own or other side).
OBJECT_ARGS = {
    "compound_id": "compound", "household_id": "household", "contract_id": "contract", "firm_id": "firm",
    "bill_id": "bill", "payment_id": "payment", "project_id": "project", "item_id": "item", "claim_id": "claim",
    "ticket_id": "ticket", "attachment_id": "attachment", "committee_id": "committee", "entry_id": "entry",
    "query_id": "query", "vote_id": "vote", "alert_id": "alert", "appeal_id": "appeal",
    "adjustment_id": "adjustment", "period_id": "period", "user_id": "user", "code": "code",
    "tracking_code": "tracking_code", "receipt_id": "receipt", "job_id": "job",
    "document_id": "document", "endpoint_id": "endpoint", "upload_id": "upload",
}
# URL arguments that name no object: one valid value each.
FIXED_ARGS = {"action": "ack", "kind": "release", "fmt": "csv", "step": "review", "to": "in_progress",
              "filename": "app.css", "change": "disable"}
# What a missing object looks like, per argument type.
MISSING = {int: 987654, str: "NOSUCH0000"}

# Query strings sent with every list read, naming the other side's objects: a list filtered on a
# foreign object must come back empty or refused, never with the object's rows.
FILTERS = ("compound_id", "project_id", "firm_id", "ticket_id", "period_id", "street_id")

# Routes whose schema is checked before the object is looked up: a valid body or query, so the
# walk reaches the scope check instead of stopping at 422.
BODIES = {
    "committees_api.Entries": {"account": "public_revenue", "direction": "in", "amount": "1.00", "date": "2026-01-15",
                               "description": "walk"},
    "committees_api.EntryQueries": {"question": "walk question"},
    "committees_api.Party": {"party_organisation": True, "red_property": False},
}
QUERIES = {"committees_api.Statement": "month=2026-01", "counter_api.HouseholdSearch": "q=1-1-101"}
