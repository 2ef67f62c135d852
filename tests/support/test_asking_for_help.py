"""Issue 21, item 4: asking the coaches signposts urgent help and says how soon a coach
replies; the form's radio groups start with nothing chosen; a coach's requests come
before their schedule on /me/."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from support import coaching
from support.models import SupportRequest
from tests import factories

pytestmark = pytest.mark.django_db

URGENT = ["999", "Samaritans", "116 123", "Education Support", "08000 562 561"]
REPLY_TIME = "A coach usually replies within two working days"


def _main(response) -> str:
    return response.content.decode().split("<main")[1].split("</main>")[0]


def test_the_help_page_signposts_urgent_help_and_says_how_soon_a_coach_replies(
    client, heads_up, coach, requester
):
    client.force_login(requester)

    page = _main(client.get(reverse("support:ask", args=[heads_up.slug])))

    for words in [*URGENT, REPLY_TIME]:
        assert words in page, words
    assert 'href="tel:116123"' in page and 'href="tel:08000562561"' in page
    # Before the form: read before anyone waits on a coach.
    assert page.index("116 123") < page.index("<form")


def test_the_request_page_keeps_the_signposts_while_the_request_is_open(
    client, heads_up, coach, requester
):
    item = coaching.ask_for_support(
        network=heads_up, requester=requester, help="talk", contact_by="email"
    )
    client.force_login(requester)
    url = reverse("support:request", args=[heads_up.slug, item.pk])

    page = _main(client.get(url))
    assert REPLY_TIME in page and "116 123" in page

    coaching.withdraw_request(support_request=item)
    assert "116 123" not in _main(client.get(url))


def test_the_help_form_s_radio_groups_start_with_nothing_chosen_and_no_blank_option(
    client, heads_up, coach, requester
):
    client.force_login(requester)
    url = reverse("support:ask", args=[heads_up.slug])

    page = _main(client.get(url))

    assert "Select an option" not in page and "---------" not in page
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", page)
    assert len(radios) == len(SupportRequest.Help) + len(SupportRequest.ContactBy)
    assert not [radio for radio in radios if "checked" in radio]
    assert all('value=""' not in radio and "required" in radio for radio in radios)
    for legend in ["What kind of help", "How to contact you"]:
        assert re.search(r"<fieldset>\s*<legend[^>]*>\s*" + legend, page), legend

    response = client.post(url, {"contact_by": "email"})
    assert not SupportRequest.objects.exists()
    assert "This field is required" in _main(response)


def test_a_coach_s_requests_come_before_twenty_weekly_calls_on_me(
    client, heads_up, coach, requester
):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    for week in range(20):
        factories.make_meeting(
            network=heads_up,
            title=f"Weekly network call {week + 1}",
            starts_at=start + datetime.timedelta(weeks=week),
        )
    coaching.ask_for_support(network=heads_up, requester=requester, help="talk", contact_by="email")
    client.force_login(coach)

    page = _main(client.get(reverse("me")))

    assert "Weekly network call 20" in page
    queue = reverse("support:coach", args=[heads_up.slug])
    assert "1 request waiting in the pool" in page
    assert page.index(queue) < page.index("My schedule") < page.index("Weekly network call 1")
