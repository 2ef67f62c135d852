"""A person's choice of how a network's announcements reach them."""

import pytest

from core.models import AuditEvent
from networks import services
from networks.models import EmailPreference
from tests import factories

pytestmark = pytest.mark.django_db
Choice = EmailPreference.Choice


def test_no_choice_means_every_announcement():
    person, network = factories.make_user(), factories.make_network()

    assert services.preference_of(person, network) == Choice.EVERY
    assert services.choices_for(network, [person.pk]) == {}


def test_a_choice_is_kept_per_network_and_audited():
    person = factories.make_user()
    network, other = factories.make_network(), factories.make_network()

    before = services.set_preference(person=person, network=network, choice=Choice.DIGEST)

    assert before == Choice.EVERY
    assert services.preference_of(person, network) == Choice.DIGEST
    assert services.preference_of(person, other) == Choice.EVERY
    event = AuditEvent.objects.get(action="email_preference.changed")
    assert event.changes["Announcements"] == [Choice.EVERY.label, Choice.DIGEST.label]


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        services.set_preference(
            person=factories.make_user(), network=factories.make_network(), choice="weekly"
        )


@pytest.mark.parametrize(
    ("choice", "urgent", "at_once"),
    [
        (Choice.EVERY, False, True),
        (Choice.DIGEST, False, False),
        (Choice.DIGEST, True, True),
        (Choice.URGENT_ONLY, False, False),
        (Choice.URGENT_ONLY, True, True),
        (Choice.NONE, True, False),
    ],
)
def test_which_choices_take_an_announcement_at_once(choice, urgent, at_once):
    assert EmailPreference.takes_at_once(choice, urgent=urgent) is at_once
