"""After a form, a person goes to the page it named only when that page is ours."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/me/", "/me/"),
        ("https://evil.example/phish", "/me/calendar/"),
        ("//evil.example/phish", "/me/calendar/"),
        ("", "/me/calendar/"),
    ],
)
def test_resetting_the_calendar_feed_returns_only_to_a_page_of_ours(
    client, head, next_url, lands_on
):
    client.force_login(head)

    response = client.post(reverse("meetings:feed_reset"), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == lands_on
