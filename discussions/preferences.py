"""The services for a person's choice of discussion emails: per thread (follow, mute, or
as the network's choice says) and per network (every new thread, every post, the weekly
digest, none). Views, the unsubscribe link and tests call these."""

from django.db import transaction

from core import audit
from members.models import User
from networks.models import Network

from .models import DiscussionPreference, Thread, ThreadFollow

Choice = DiscussionPreference.Choice
# The thread form's third answer: no choice of one's own for the thread.
AS_NETWORK = "network"


@transaction.atomic
def set_thread_choice(*, person: User, thread: Thread, choice: str) -> None:
    """Follow the thread, mute it, or (AS_NETWORK) go by the network's choice again."""
    if choice == AS_NETWORK:
        ThreadFollow.objects.filter(thread=thread, person=person).delete()
        return
    if choice not in ThreadFollow.Choice.values:
        raise ValueError(f"Unknown thread choice {choice!r}")
    ThreadFollow.objects.update_or_create(thread=thread, person=person, defaults={"choice": choice})


def choices_of(person: User, networks: list[Network]) -> dict[int, str]:
    """network id -> the person's choice of discussion emails (one query)."""
    chosen = dict(
        DiscussionPreference.objects.filter(
            person=person, network__in=[network.pk for network in networks]
        ).values_list("network_id", "choice")
    )
    return {network.pk: chosen.get(network.pk, Choice.THREADS) for network in networks}


@transaction.atomic
def set_network_choice(*, person: User, network: Network, choice: str, how: str = "page") -> str:
    """Record the person's choice of discussion emails for the network; returns the one
    before. None also ends their follows of its threads: "stop all discussion emails"
    (the unsubscribe link) must stop the emails of followed threads too."""
    if choice not in Choice.values:
        raise ValueError(f"Unknown discussion email choice {choice!r}")
    row = DiscussionPreference.objects.filter(person=person, network=network).first()
    before = row.choice if row else Choice.THREADS
    if choice == Choice.NONE:
        ThreadFollow.objects.filter(
            person=person, thread__network=network, choice=ThreadFollow.Choice.FOLLOW
        ).delete()
    if before == choice:
        return before
    DiscussionPreference.objects.update_or_create(
        person=person, network=network, defaults={"choice": choice}
    )
    audit.record(
        obj=network,
        action="discussion_preference.changed",
        summary=f"Discussion email choice changed ({how})",
        actor=person,
        subject=person,
        network_id=network.pk,
        changes={"Discussions": [Choice(before).label, Choice(choice).label]},
    )
    return before


@transaction.atomic
def set_network_choices(*, person: User, choices: dict[Network, str], how: str = "page") -> None:
    for network, choice in choices.items():
        set_network_choice(person=person, network=network, choice=choice, how=how)
