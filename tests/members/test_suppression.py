"""Bulk mail stops at an address that bounces hard repeatedly or complains once."""

import pytest

from members import suppression

pytestmark = pytest.mark.django_db


def test_two_hard_bounces_do_not_stop_bulk_mail_the_third_does():
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES - 1):
        suppression.record_hard_bounce("Head@School.example")
    assert suppression.suppressed_addresses(["head@school.example"]) == set()

    row = suppression.record_hard_bounce("head@school.example")

    assert row.reason == "bounced"
    assert suppression.suppressed_addresses(["head@school.example", "x@y.example"]) == {
        "head@school.example"
    }


def test_one_complaint_stops_bulk_mail():
    suppression.record_complaint("head@school.example")

    assert suppression.suppression_of("HEAD@school.example").reason == "complained"


def test_lifting_the_stop_counts_bounces_from_zero():
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        suppression.record_hard_bounce("head@school.example")

    suppression.lift("head@school.example")

    assert suppression.suppression_of("head@school.example") is None
    suppression.record_hard_bounce("head@school.example")
    assert suppression.suppressed_addresses(["head@school.example"]) == set()
