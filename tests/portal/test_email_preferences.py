"""/me/email/: which announcements each of my networks emails me; and the banner that says
when announcements to my address have stopped, with the way to start them again."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from members import suppression
from networks import services
from networks.models import EmailPreference, Membership
from tests import factories

pytestmark = pytest.mark.django_db
Choice = EmailPreference.Choice
PAGE = "portal:email_preferences"
ALWAYS_GO = "account and its security, your fees, and changes to or cancellations of meetings"


def _field(network) -> str:
    return f"network-{network.pk}"


def _checked(html: str, network) -> str:
    """The value of the network's radio button that is checked."""
    for tag in re.findall(rf'<input[^>]*name="{_field(network)}"[^>]*>', html):
        if " checked" in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError(f"nothing checked for {network}")


def _suppress(address: str, *, complained: bool = False) -> None:
    if complained:
        suppression.record_complaint(address)
        return
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        suppression.record_hard_bounce(address)


# The page ---------------------------------------------------------------------


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(reverse(PAGE))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_has_a_fieldset_for_each_network_i_am_an_active_member_of(
    client, member, network, other_network
):
    second = factories.make_network(name="Banbury Heads", short_name="BH")
    factories.make_membership(person=member, network=second)
    pending = factories.make_network(name="Pending Heads")
    factories.make_membership(person=member, network=pending, status=Membership.Status.PENDING)
    services.set_preference(person=member, network=second, choice=Choice.DIGEST)
    client.force_login(member)

    html = client.get(reverse(PAGE)).content.decode()

    legends = re.findall(r'<legend class="h5">([^<]+)</legend>', html)
    assert legends == ["Banbury Heads (BH)", network.name]  # by name
    assert "Pending Heads" not in html and other_network.name not in html
    assert _checked(html, second) == Choice.DIGEST
    assert _checked(html, network) == Choice.EVERY  # no choice made: every announcement
    # Each radio button has its own label, tied to it.
    for radio_id in re.findall(rf'id="(id_{_field(network)}_\d)"', html):
        assert f'<label class="form-check-label" for="{radio_id}">' in html
    assert len(re.findall(rf'name="{_field(network)}"', html)) == len(Choice.choices)
    assert ALWAYS_GO in html
    form = html[html.index('<form method="post" class="narrow-form"') :]
    form = form[: form.index("</form>")]
    # A fieldset a network, holding one for its announcements and one for its discussions.
    assert form.count("<fieldset") == 2 * 3 and form.count('type="submit"') == 1  # one Save
    assert "Save</button>" in form


def test_saving_records_each_choice_audited_and_says_so(client, member, network):
    second = factories.make_network(name="Banbury Heads")
    factories.make_membership(person=member, network=second)
    client.force_login(member)

    response = client.post(
        reverse(PAGE), {_field(network): Choice.URGENT_ONLY, _field(second): Choice.EVERY}
    )

    assert response.status_code == 302 and response["Location"] == reverse(PAGE)
    assert services.preference_of(member, network) == Choice.URGENT_ONLY
    assert services.preference_of(member, second) == Choice.EVERY
    # Only the choice that changed is recorded, with how it was made.
    [event] = AuditEvent.objects.filter(action="email_preference.changed")
    assert event.network_id == network.pk and "(preferences page)" in event.summary
    html = client.get(response["Location"]).content.decode()
    assert "Your email choices have been saved." in html
    assert _checked(html, network) == Choice.URGENT_ONLY


def test_a_crafted_field_for_a_network_i_am_not_in_changes_nothing_there(
    client, member, network, other_network
):
    client.force_login(member)

    client.post(reverse(PAGE), {_field(network): Choice.NONE, _field(other_network): Choice.NONE})

    assert services.preference_of(member, network) == Choice.NONE
    assert not EmailPreference.objects.filter(network=other_network).exists()


def test_an_unknown_choice_is_refused_and_nothing_is_saved(client, member, network):
    second = factories.make_network(name="Banbury Heads")
    factories.make_membership(person=member, network=second)
    client.force_login(member)

    response = client.post(reverse(PAGE), {_field(network): "weekly", _field(second): "none"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert f'aria-describedby="id_{_field(network)}-errors"' in html
    assert not EmailPreference.objects.exists()


def test_a_person_without_networks_is_told_so(client, head):
    client.force_login(head)

    html = client.get(reverse(PAGE)).content.decode()

    assert "You are not a member of any network yet" in html
    assert "<fieldset" not in html
    assert ALWAYS_GO in html


def _queries(client, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(PAGE)).status_code == 200
    return len(captured)


def test_the_page_asks_the_same_number_of_queries_for_one_network_or_many(client, member):
    few = _queries(client, member)
    for number in range(8):
        extra = factories.make_network(name=f"Extra Heads {number}")
        factories.make_membership(person=member, network=extra)
        if number % 2:
            services.set_preference(person=member, network=extra, choice=Choice.DIGEST)

    many = _queries(client, member)

    assert few == many <= 5  # session, user, memberships, choices, suppression


def test_my_page_and_my_profile_link_to_it(client, member):
    client.force_login(member)

    for page in (reverse("me"), reverse("portal:profile")):
        assert f'href="{reverse(PAGE)}"' in client.get(page).content.decode()


# The banner -------------------------------------------------------------------


@pytest.mark.parametrize("page", ["me", PAGE])
def test_the_banner_shows_a_bounced_address_and_the_ways_out(client, member, page):
    _suppress(member.email)
    client.force_login(member)

    html = client.get(reverse(page)).content.decode()

    assert "Your networks' announcements have stopped reaching you" in html
    assert f"Messages to <strong>{member.email}</strong> bounced" in html
    assert f'href="{reverse("account_email")}"' in html
    assert f'action="{reverse("portal:email_resume")}"' in html
    assert "My mailbox works again</button>" in html


def test_the_banner_says_when_the_address_reported_a_message_as_spam(client, member):
    _suppress(member.email, complained=True)
    client.force_login(member)

    html = client.get(reverse("me")).content.decode()

    assert "was reported as spam" in html and "bounced" not in html


@pytest.mark.parametrize("page", ["me", PAGE])
def test_nobody_else_sees_the_banner(client, member, coordinator, page):
    _suppress(member.email)
    suppression.record_hard_bounce(coordinator.email)  # one bounce stops nothing
    client.force_login(coordinator)

    html = client.get(reverse(page)).content.decode()

    assert "My mailbox works again" not in html and member.email not in html


def test_my_mailbox_works_again_lifts_the_stop_and_is_audited(client, member):
    _suppress(member.email)
    client.force_login(member)

    response = client.post(reverse("portal:email_resume"), {"next": reverse(PAGE)})

    assert response.status_code == 302 and response["Location"] == reverse(PAGE)
    assert suppression.suppression_of(member.email) is None
    assert suppression.suppressed_addresses([member.email]) == set()
    event = AuditEvent.objects.get(action="email_suppression.lifted")
    assert event.actor_id == event.subject_id == member.pk
    assert member.email not in event.summary + event.object_repr
    html = client.get(reverse(PAGE)).content.decode()
    assert f"Announcements and digests will be sent to {member.email} again." in html
    assert "My mailbox works again" not in html


def test_saying_so_without_a_stop_changes_nothing(client, member):
    client.force_login(member)

    response = client.post(reverse("portal:email_resume"), {"next": "https://elsewhere.example/"})

    assert response["Location"] == reverse("me")  # never another site
    assert not AuditEvent.objects.filter(action="email_suppression.lifted").exists()
    [message] = get_messages(response.wsgi_request)
    assert "Nothing had stopped" in str(message)


def test_lifting_the_stop_takes_a_post(client, member):
    _suppress(member.email)
    client.force_login(member)

    assert client.get(reverse("portal:email_resume")).status_code == 405
    assert suppression.suppression_of(member.email) is not None


def test_one_person_cannot_lift_the_stop_on_another_s_address(client, member, coordinator):
    _suppress(member.email)
    client.force_login(coordinator)

    client.post(reverse("portal:email_resume"))

    assert suppression.suppression_of(member.email) is not None
