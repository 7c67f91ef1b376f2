"""Moved to pm_app/common/queues.py (the app queues jobs by name, the worker drains them); these
names stay for code written before the move."""

from pm_app.common.queues import ALL_QUEUES, QUEUE_DEFAULT, QUEUE_DELIVERY, QUEUE_SWEEPS

__all__ = ["ALL_QUEUES", "QUEUE_DEFAULT", "QUEUE_DELIVERY", "QUEUE_SWEEPS"]
