"""Load and fault runs of Headnet on loopback (issues 15 and 20): `python -m loadtest --help`.

Not an app and never imported by one: it starts a private PostgreSQL cluster, a
private Redis, an SMTP sink, two gunicorn servers behind a round-robin proxy and two
task workers, drives them with concurrent clients, and checks what the issues ask.
"""
