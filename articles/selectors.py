"""What other pages read from articles (the home page's latest articles)."""

from .models import Article


def latest_public_articles(limit: int) -> list[Article]:
    """The newest public articles of every network, with their networks and authors."""
    return list(Article.objects.public().for_lists().order_by("-published_at", "-pk")[:limit])
