"""Markdown from coordinators, turned into HTML that is safe to show anyone."""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    """HTML for the text, with anything that could run script removed."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    # nh3 drops script/style elements, event handler attributes and any URL
    # scheme outside the list (javascript:, data:), and marks links noopener.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
