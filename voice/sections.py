"""The "What we decided" section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from . import decisions

SECTION_SIZE = 3


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
