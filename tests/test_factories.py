"""The factories give the same kind of person whatever day the suite runs on."""

import datetime
from unittest import mock

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 8, 31),
        datetime.date(2026, 9, 1),
        # 1000 days after 29 February 2024, the old default's leap day.
        datetime.date(2026, 11, 25),
        datetime.date(2028, 2, 29),
    ],
)
def test_a_factory_head_is_a_settled_head_whose_start_date_can_move_to_any_year(today):
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=noon):
        person = factories.make_head()
        post = person.posts.get()

        assert post.is_current()
        assert not person.is_new_head()
    assert post.started_on.replace(year=2005).year == 2005
