"""The "latest articles" section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from .access import visible_articles

SECTION_SIZE = 3


def latest_articles_section(request, perms) -> Section | None:
    """The latest articles the viewer may read; nothing for a network that has none."""
    articles = list(visible_articles(perms).for_lists()[:SECTION_SIZE])
    if not articles and not perms.can_coordinate:
        return None
    return Section(
        "articles/_network_section.html",
        {"network": perms.network, "articles": articles, "can_write": perms.can_coordinate},
        order=20,
    )
