"""`make bench`: Headnet under gunicorn on PostgreSQL, loaded by wrk, against a bare view."""
