"""Tracked background jobs: bills for many compounds now, imports later (see services.py)."""
