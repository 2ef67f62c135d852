"""The "latest articles" section of a network's page (networks asks; it never imports us)."""

from networks.sections import Section

from .access import visible_articles
from .models import StoryInbox

SECTION_SIZE = 3


def latest_articles_section(request, perms) -> Section | None:
    """The latest articles the viewer may read, and the way to the network's stories;
    nothing for a network with neither articles nor stories."""
    articles = list(visible_articles(perms).for_lists()[:SECTION_SIZE])
    takes_stories = StoryInbox.objects.filter(network=perms.network, is_open=True).exists()
    if not articles and not takes_stories and not perms.can_coordinate:
        return None
    return Section(
        "articles/_network_section.html",
        {
            "network": perms.network,
            "articles": articles,
            "takes_stories": takes_stories,
            "can_write": perms.can_coordinate,
        },
        order=20,
    )
