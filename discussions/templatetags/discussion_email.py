"""The follow / mute form on a thread's page, with the person's current choice."""

from typing import Any

from django import template

from ..models import DiscussionPreference, Thread
from ..notifications import choices_of
from ..preferences import AS_NETWORK

register = template.Library()


@register.inclusion_tag("discussions/_thread_email_form.html")
def thread_email_form(thread: Thread, person: Any, known: Any = "") -> dict[str, Any]:
    """The form's context: the thread, the person's choice for it, and the network's
    (one query, none when the page passes them as `known`: {"choices": ...} from
    notifications.choices_on; nothing for a visitor)."""
    # Only the people its emails may reach have a choice (a coordinator outside a
    # workhub reads its threads but gets none of their emails).
    if not getattr(person, "is_authenticated", False):
        return {"show": False}
    choices = known["choices"] if known else choices_of(person, thread)
    if choices is None:
        return {"show": False}
    follow, network_choice = choices
    return {
        "show": True,
        "thread": thread,
        "current": follow or AS_NETWORK,
        "choices": [
            ("follow", "Follow: an email for every post"),
            ("mute", "Mute: no emails about this thread"),
            (
                AS_NETWORK,
                f"As for the network ({DiscussionPreference.Choice(network_choice).label.lower()})",
            ),
        ],
    }
