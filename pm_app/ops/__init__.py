"""Operations: what the data centre's tools ask of a running app (readiness, Prometheus metrics).
It sits above the domains (it reads their health), as the dashboards do; nothing imports it."""
