"""A new head withdraws their own request for a mentor while it waits."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import User
from support import mentoring
from support.models import MentorRequest

pytestmark = pytest.mark.django_db


def _ask(scheme, person):
    return mentoring.ask_for_mentor(
        scheme=scheme, mentee=User.objects.with_posts().get(pk=person.pk)
    )


def test_a_new_head_withdraws_their_request_and_the_brokers_no_longer_see_it(
    client, scheme, broker, new_head, mentor
):
    request = _ask(scheme, new_head)
    client.force_login(new_head)
    home = client.get(reverse("support:mentoring")).content.decode()
    url = reverse("support:mentor_request_withdraw", args=[request.pk])
    assert url in home

    response = client.post(url)

    assert response["Location"] == reverse("support:mentoring")
    request.refresh_from_db()
    assert request.state == "withdrawn"
    assert url not in client.get(reverse("support:mentoring")).content.decode()
    client.force_login(broker)
    page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    assert "Nia New" not in page.split("waiting-heading")[1].split("</section>")[0]
    # Withdrawn, the head is again one the broker may propose a mentor to.
    new_heads = client.get(reverse("support:new_heads", args=[scheme.slug])).content.decode()
    assert "Nia New" in new_heads


def test_after_withdrawing_the_head_may_ask_again(scheme, new_head):
    first = _ask(scheme, new_head)
    mentoring.withdraw_mentor_request(request=first)
    assert _ask(scheme, new_head).pk != first.pk


def test_a_paired_request_cannot_be_withdrawn(client, scheme, broker, new_head, mentor):
    request = _ask(scheme, new_head)
    mentoring.propose_pairing(request=request, offer=scheme.offers.get(), broker=broker)
    with pytest.raises(ValidationError):
        mentoring.withdraw_mentor_request(request=request)
    client.force_login(new_head)
    client.post(reverse("support:mentor_request_withdraw", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == "paired"


@pytest.mark.parametrize("who", ["broker", "mentor", "member", "staff"])
def test_only_the_requester_withdraws(client, scheme, broker, new_head, mentor, request, who):
    item = _ask(scheme, new_head)
    client.force_login(request.getfixturevalue(who))
    url = reverse("support:mentor_request_withdraw", args=[item.pk])
    assert client.post(url).status_code == 404
    assert MentorRequest.objects.get().state == "open"


def test_withdrawing_is_a_post(client, scheme, new_head):
    item = _ask(scheme, new_head)
    client.force_login(new_head)
    url = reverse("support:mentor_request_withdraw", args=[item.pk])
    assert client.get(url).status_code == 405
    assert MentorRequest.objects.get().state == "open"
