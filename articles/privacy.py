"""A person's articles and stories: what they can download, and what closing removes.

Articles are the network's publications, published by its coordinators: they stay,
without the person's name among the authors (an article with no author left shows
the network as its author). A story told by name is the person's own account of
their life: it goes with them, published or not, rather than turning into an
"anonymous" story they never chose to tell that way. Anonymous stories were never
linked to anyone, so there is nothing to find or remove; their authors withdraw
them with their private link.
"""

from django.db import transaction

from members.models import User

from .models import Article, Story


def personal_data(person: User) -> dict:
    return {
        "articles_written": [
            {"network": article.network.name, "title": article.title, "state": article.state}
            for article in Article.objects.filter(authors=person).select_related("network")
        ],
        "stories_by_name": [
            {
                "network": story.network.name,
                "title": story.title,
                "state": story.get_state_display(),
                "submitted_on": story.submitted_on.isoformat(),
            }
            for story in Story.objects.filter(author=person).select_related("network")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Delete the person's named stories; keep articles, without them as author."""
    Story.objects.filter(author=person).delete()
    Article.authors.through.objects.filter(user=person).delete()
    Article.objects.filter(created_by=person).update(created_by=None)
