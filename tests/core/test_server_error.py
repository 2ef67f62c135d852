"""A database that cannot be reached answers 503 with Retry-After; other faults 500."""

from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def _get_with_cursor_failing(error: Exception):
    client = Client(raise_request_exception=False)
    with mock.patch.object(connection, "cursor", side_effect=error):
        return client.get("/networks/")


def test_a_page_asks_to_try_again_while_the_database_cannot_be_reached():
    response = _get_with_cursor_failing(OperationalError("server closed the connection"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()
    assert "has not been saved" in response.content.decode()


def test_any_other_fault_is_still_a_server_error():
    response = _get_with_cursor_failing(ProgrammingError("relation does not exist"))

    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "Retry-After" not in response
