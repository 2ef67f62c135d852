"""Who may read, write and moderate a network's articles and stories. Views ask only here.

Built on networks.access: an article or story is always fetched through its
network, so another network's is a 404. A story's author is never asked about
here: an anonymous story has none, and its private page answers to the token.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Network

from .models import Article, ArticleQuerySet, Story, hash_story_token


def visible_articles(perms: NetworkAccess) -> ArticleQuerySet:
    """The network's published articles the viewer may read (members' ones for members)."""
    articles = Article.objects.published().filter(network=perms.network)
    if not perms.is_member:
        articles = articles.filter(audience=Article.Audience.PUBLIC)
    return articles


def drafts_for(perms: NetworkAccess, user: User) -> ArticleQuerySet:
    """Drafts the viewer may work on: all for coordinators, their own for named authors."""
    drafts = Article.objects.filter(network=perms.network, state=Article.State.DRAFT)
    if perms.can_coordinate:
        return drafts
    if not perms.is_member:
        return drafts.none()
    return drafts.filter(authors=user)


def can_edit(perms: NetworkAccess, article: Article, user: User | AnonymousUser) -> bool:
    """Coordinators, and the members the coordinators named as its authors."""
    if perms.can_coordinate:
        return True
    return perms.is_member and any(author.pk == user.pk for author in article.authors.all())


def get_article_for_user(
    user: User | AnonymousUser, slug: str, article_slug: str
) -> tuple[Article, NetworkAccess]:
    """The article and the viewer's access: 404 for a draft they may not work on (or
    another network's article), 403 for a members' article they may not read."""
    perms = network_access.for_network(user, network_access.get_network(slug))
    article = (
        Article.objects.filter(network=perms.network, slug=article_slug)
        .prefetch_related("authors")
        .first()
    )
    if article is None or (not article.is_published and not can_edit(perms, article, user)):
        raise Http404("No such article.")
    if article.audience == Article.Audience.MEMBERS and not (
        perms.is_member or can_edit(perms, article, user)
    ):
        raise PermissionDenied(f"Only members of {perms.network.name} can read this article.")
    return article, perms


def get_article_to_edit(
    user: User | AnonymousUser, slug: str, article_slug: str
) -> tuple[Article, NetworkAccess]:
    """The article if the user may edit it; 403 otherwise (404 for a draft they cannot see)."""
    article, perms = get_article_for_user(user, slug, article_slug)
    if not can_edit(perms, article, user):
        raise PermissionDenied("Only the network's coordinators and the article's authors can.")
    return article, perms


def get_published_story(slug: str, pk: int) -> Story:
    """A published story of the network; anything else is a 404 to everyone."""
    network = network_access.get_network(slug)
    story = (
        Story.objects.published().filter(network=network, pk=pk).select_related("author").first()
    )
    if story is None:
        raise Http404("No such story.")
    return story


def find_story_by_token(network: Network, token: str) -> Story | None:
    """The network's story whose private token this is, or None."""
    return Story.objects.filter(network=network, token_hash=hash_story_token(token)).first()


def get_story_by_token(slug: str, token: str) -> Story:
    """The story whose private token this is, in this network; 404 for any other token."""
    story = find_story_by_token(network_access.get_network(slug), token)
    if story is None:
        raise Http404("No such story.")
    return story


def get_story_to_moderate(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Story, NetworkAccess]:
    """A story of a network the user coordinates (403 otherwise); another network's is 404."""
    perms = network_access.get_network_to_coordinate(user, slug)
    story = Story.objects.filter(network=perms.network, pk=pk).select_related("author").first()
    if story is None:
        raise Http404("No such story.")
    return story, perms


def may_submit_story(user: User | AnonymousUser) -> bool:
    """Any signed-in person: past and future heads share stories too, and nothing is
    public before a coordinator reads it."""
    return user.is_authenticated and user.is_active
