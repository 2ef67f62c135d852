"""Racing requests on PostgreSQL: the works run in threads, released together, each on its
own database connection. SQLite serialises writers, so nothing races there."""

import threading

import pytest
from django.db import connection

POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers, so nothing races; run with DATABASE_URL pointing "
        "at PostgreSQL",
    ),
]


def at_the_same_moment(works):
    """Run each work in its own thread, all released at once: what they returned, and what
    they raised (for the test to report)."""
    barrier = threading.Barrier(len(works))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
