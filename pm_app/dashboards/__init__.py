"""Role homes and the compound health score: compositions of the domains' own aggregates."""
