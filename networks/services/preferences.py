"""How each person wants each network's announcements (EmailPreference)."""

from collections.abc import Iterable

from django.db import transaction

from core import audit
from members.models import User

from ..models import EmailPreference, Network

Choice = EmailPreference.Choice


def preference_of(person: User, network: Network) -> str:
    """The person's choice for the network; every announcement when they made none."""
    row = EmailPreference.objects.filter(person=person, network=network).first()
    return row.choice if row else Choice.EVERY


def choices_for(network: Network, person_ids: Iterable[int]) -> dict[int, str]:
    """person id -> choice, for those of the people who chose something (one query)."""
    return dict(
        EmailPreference.objects.filter(network=network, person_id__in=list(person_ids)).values_list(
            "person_id", "choice"
        )
    )


def set_preference(*, person: User, network: Network, choice: str, how: str = "page") -> str:
    """Record the person's choice for the network (from their page, an unsubscribe link or
    their mail provider's unsubscribe button: `how`); returns the choice before."""
    if choice not in Choice.values:
        raise ValueError(f"Unknown email preference {choice!r}")
    before = preference_of(person, network)
    if before == choice:
        return before
    EmailPreference.objects.update_or_create(
        person=person, network=network, defaults={"choice": choice}
    )
    audit.record(
        obj=network,
        action="email_preference.changed",
        summary=f"Email preference changed ({how})",
        actor=person,
        subject=person,
        network_id=network.pk,
        changes={"Announcements": [Choice(before).label, Choice(choice).label]},
    )
    return before


def choices_of(person: User, networks: Iterable[Network]) -> dict[int, str]:
    """network id -> the person's choice, for each of the networks (one query)."""
    ids = [network.pk for network in networks]
    chosen = dict(
        EmailPreference.objects.filter(person=person, network_id__in=ids).values_list(
            "network_id", "choice"
        )
    )
    return {network_id: chosen.get(network_id, Choice.EVERY) for network_id in ids}


@transaction.atomic
def set_preferences(
    *, person: User, choices: dict[Network, str], how: str = "page"
) -> list[Network]:
    """Record the person's choices for several networks at once (all or none); returns
    the networks whose choice changed."""
    return [
        network
        for network, choice in choices.items()
        if set_preference(person=person, network=network, choice=choice, how=how) != choice
    ]
