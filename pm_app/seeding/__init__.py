"""Seeding: the demo, test and benchmark city, built by every domain's seed step in order
(city.py). It sits above the domains and imports them all; `pm-app seed` and `pm-app demo` call it."""

from pm_app.seeding.city import seed_city

__all__ = ["seed_city"]
