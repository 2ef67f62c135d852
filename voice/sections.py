"""The voice's sections of a network's page (networks asks; it never imports us): the way
to the polls, and "What we decided"."""

from networks.sections import Section

from . import access, decisions

SECTION_SIZE = 3


def polls_section(request, perms) -> Section | None:
    """For the network's members, the way to its polls, and for its coordinators a way to
    start one; nothing for anyone else. Links only: the page is at its query budget."""
    viewer = access.PollAccess(perms=perms)
    if not viewer.can_see:
        return None
    return Section(
        "voice/_network_section.html",
        {"network": perms.network, "can_start": viewer.can_start},
        order=16,
    )


def decisions_section(request, perms) -> Section | None:
    """The network's latest decisions, for its members; nothing for anyone else, nor when
    it has decided nothing yet."""
    if not decisions.may_read_decisions(perms):
        return None
    latest = list(decisions.decisions_of(perms)[:SECTION_SIZE])
    if not latest:
        return None
    return Section(
        "voice/_decisions_section.html",
        {"network": perms.network, "decisions": latest},
        order=18,
    )
