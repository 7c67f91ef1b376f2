"""Owners' committees and the compound's accounts: committee lifecycle and members, an
append-only hash-chained ledger, monthly statements, maintenance-fund votes (Civil Code Art. 278)
and the committee's queries on entries."""
