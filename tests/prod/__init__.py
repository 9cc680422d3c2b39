"""Production profile: gunicorn nodes on PostgreSQL + Redis, faults, bounds, hardening."""
