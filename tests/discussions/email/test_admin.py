"""The admin's list of replies by email (discussions.admin): site staff read it; nobody
adds, changes or deletes a row there; a network's administrators, whose admin is scoped to
their networks, do not see it at all (a reply belongs to no network)."""

import pytest
from django.urls import reverse

from discussions import services
from discussions.models import InboundReply
from tests import factories

pytestmark = pytest.mark.django_db
Outcome = InboundReply.Outcome


@pytest.fixture
def staff(db):
    return factories.make_user(email="staff@headnet.example", is_staff=True, is_superuser=True)


@pytest.fixture
def replies(thread, jane):
    post = services.add_post(thread=thread, author=jane, body="By email.", by_email=True)
    return [
        InboundReply.objects.create(outcome=Outcome.POSTED, message_id="<a@mail>", post=post),
        InboundReply.objects.create(outcome=Outcome.TOO_LONG, message_id="<b@mail>"),
    ]


def test_site_staff_read_the_replies_with_their_outcomes(client, staff, replies):
    client.force_login(staff)
    response = client.get(reverse("admin:discussions_inboundreply_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;a@mail&gt;" in page and "Dropped: longer than a post may be" in page
    assert "SEND funding this term #2" in page  # the post it became
    change = reverse("admin:discussions_inboundreply_change", args=[replies[0].pk])
    response = client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()  # read only


@pytest.mark.parametrize("action", ["add", "delete"])
def test_nobody_adds_or_deletes_a_reply_in_the_admin(client, staff, replies, action):
    client.force_login(staff)
    args = [replies[1].pk] if action == "delete" else []
    url = reverse(f"admin:discussions_inboundreply_{action}", args=args)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes", "outcome": "posted"}).status_code == 403
    assert InboundReply.objects.count() == 2


def test_a_networks_administrator_sees_no_replies(client, administrator, replies):
    client.force_login(administrator)
    assert client.get(reverse("admin:discussions_inboundreply_changelist")).status_code == 403
    change = reverse("admin:discussions_inboundreply_change", args=[replies[0].pk])
    assert client.get(change).status_code == 403
    assert "inboundreply" not in client.get(reverse("admin:index")).content.decode()


def test_the_list_asks_the_same_queries_for_more_replies(
    client, staff, thread, jane, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("admin:discussions_inboundreply_changelist")
    for number in range(12):
        post = services.add_post(thread=thread, author=jane, body=f"Reply {number}")
        InboundReply.objects.create(outcome=Outcome.POSTED, message_id=f"<{number}@m>", post=post)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
