"""Queue names, in one place."""
QUEUE_SWEEPS = "sweeps"        # the scheduled rule sweeps
QUEUE_DELIVERY = "delivery"    # outbox relay and sending
QUEUE_DEFAULT = "default"      # imports, bulk generation and other long work

ALL_QUEUES = (QUEUE_DELIVERY, QUEUE_SWEEPS, QUEUE_DEFAULT)  # a worker drains them in this order
