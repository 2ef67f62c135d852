"""The "latest articles" section of a network's page (networks asks; it never imports us)."""

from django.db.models import Exists

from networks.sections import Section

from .access import visible_articles
from .models import StoryInbox

SECTION_SIZE = 3


def latest_articles_section(request, perms) -> Section | None:
    """The latest articles the viewer may read, and the way to the network's stories;
    nothing for a network with neither articles nor stories."""
    open_inbox = StoryInbox.objects.filter(network=perms.network, is_open=True)
    # Whether stories are taken rides on the articles' query; asked alone only when
    # there are no articles (two queries either way, with the authors' prefetch).
    articles = list(
        visible_articles(perms)
        .for_lists()
        .annotate(takes_stories=Exists(open_inbox))[:SECTION_SIZE]
    )
    takes_stories = articles[0].takes_stories if articles else open_inbox.exists()
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
