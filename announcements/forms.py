import datetime

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from articles.models import Article
from meetings.models import Meeting

from .access import AnnouncementAccess
from .models import Announcement

# The composer lists this many of the soonest meetings (and any a draft or link names),
# and as many of the latest held, for a follow-up.
MEETINGS_OFFERED = 60
# The fields that name what an audience is for, with their questions.
TARGET_FIELDS = {
    "subgroup": "Which sub-group",
    "workhub": "Which workhub",
    "meeting": "Which meeting",
    "held_meeting": "Which meeting that has taken place",
}
FOLLOW_UPS = (Announcement.Audience.ATTENDED, Announcement.Audience.NO_SHOWS)
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already fetched: one query for the list, however often the
    form is checked and drawn. An id that is not in the list (another network's) is
    refused as no choice at all."""

    def __init__(self, *, objects: list[Model], empty_label: str, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [("", empty_label), *((str(obj.pk), str(obj)) for obj in objects)]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value):
        key = super().clean(value)
        return self.objects.get(key) if key else None

    def prepare_value(self, value):
        return value.pk if isinstance(value, Model) else value


class AnnouncementForm(forms.Form):
    """An announcement's audience and text, offering only what the writer may address."""

    audience = forms.ChoiceField(label="Who is it for?", widget=forms.RadioSelect)
    subject = forms.CharField(max_length=150)
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Markdown works: a blank line starts a new paragraph, *words* in italics, "
            "**words** in bold, [words](https://example.org) a link, “## ” a heading."
        ),
    )
    is_urgent = forms.BooleanField(label="Urgent", required=False)
    # The article it announces, if any: set from the article's page, kept through edits.
    article = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, access: AnnouncementAccess, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.linked_article = article
        network = access.network
        kinds = Announcement.Audience
        held = self._held_meetings_offered(access)
        # Each audience that names something, with the field that names it.
        targets = {
            kinds.SUBGROUP: ("subgroup", list(access.subgroups())),
            kinds.WORKHUB: ("workhub", list(access.workhubs())),
            kinds.MEETING: ("meeting", self._meetings_offered(access)),
            kinds.ATTENDED: ("held_meeting", held),
            kinds.NO_SHOWS: ("held_meeting", held),
        }
        choices = []
        for value, label in access.audiences():
            if value in targets and not targets[value][1]:
                continue  # nothing of that kind to write to
            if value == kinds.NETWORK:
                label = f"Everyone in {network.label}"
            choices.append((value, label))
        self.fields["audience"].choices = choices
        for name, question in TARGET_FIELDS.items():
            for_audiences = [value for value, (field, _) in targets.items() if field == name]
            objects = targets[for_audiences[0]][1]
            if objects:
                chosen = " or ".join(f"“{kinds(value).label.lower()}”" for value in for_audiences)
                self.fields[name] = ObjectChoiceField(
                    objects=objects,
                    empty_label="Choose one",
                    label=question,
                    help_text=f"Only if you chose {chosen} above.",
                )
        self.order_fields(["audience", *TARGET_FIELDS])
        urgent = settings.URGENT_ANNOUNCEMENTS_PER_MONTH
        self.fields["is_urgent"].help_text = (
            "It goes at once even to people who chose the weekly digest or urgent "
            f"announcements only. {network.label} may mark at most {urgent} announcements "
            "urgent in a calendar month, so keep it for what cannot wait."
        )

    def _meetings_offered(self, access: AnnouncementAccess) -> list[Meeting]:
        """The soonest meetings still to come, and the one a draft or a link already names:
        a network of thousands of meetings is not offered every one in a list."""
        meetings = list(access.meetings()[:MEETINGS_OFFERED])
        named = self.data.get("meeting") or self.initial.get("meeting")
        if str(named or "").isdigit() and all(meeting.pk != int(named) for meeting in meetings):
            meetings += list(access.meetings().filter(pk=int(named)))
        return meetings

    def _held_meetings_offered(self, access: AnnouncementAccess) -> list[Meeting]:
        """The latest meetings held, and the one a draft or a link already names."""
        meetings = list(access.held_meetings()[:MEETINGS_OFFERED])
        named = self.data.get("held_meeting") or self.initial.get("held_meeting")
        if str(named or "").isdigit() and all(meeting.pk != int(named) for meeting in meetings):
            meetings += list(access.held_meetings().filter(pk=int(named)))
        return meetings

    def clean_article(self):
        # Only the article the page was opened with: nobody swaps in another by its id.
        value = self.cleaned_data["article"]
        if value is None or self.linked_article is None:
            return None
        if value != self.linked_article.pk:
            raise forms.ValidationError("This is not the article the announcement links to.")
        return self.linked_article

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        for value, name, what in (
            (Announcement.Audience.SUBGROUP, "subgroup", "sub-group"),
            (Announcement.Audience.WORKHUB, "workhub", "workhub"),
            (Announcement.Audience.MEETING, "meeting", "meeting"),
            (Announcement.Audience.ATTENDED, "held_meeting", "meeting"),
            (Announcement.Audience.NO_SHOWS, "held_meeting", "meeting"),
        ):
            if audience == value and not data.get(name):
                self.add_error(name if name in self.fields else "audience", f"Choose which {what}.")
        return data

    def values(self) -> dict:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "body": data["body"],
            "audience": data["audience"],
            "subgroup": data.get("subgroup"),
            "workhub": data.get("workhub"),
            "meeting": data.get("held_meeting" if data["audience"] in FOLLOW_UPS else "meeting"),
            "article": data.get("article"),
            "is_urgent": data["is_urgent"],
        }


def initial_for(announcement: Announcement) -> dict:
    follow_up = announcement.audience in FOLLOW_UPS
    return {
        "audience": announcement.audience,
        "subgroup": announcement.subgroup_id,
        "workhub": announcement.workhub_id,
        "meeting": None if follow_up else announcement.meeting_id,
        "held_meeting": announcement.meeting_id if follow_up else None,
        "subject": announcement.subject,
        "body": announcement.body,
        "is_urgent": announcement.is_urgent,
        "article": announcement.article_id,
    }


class SendForm(forms.Form):
    """Send a draft now, or at a chosen time (UK time)."""

    NOW = "now"
    LATER = "later"

    # Set by the button pressed: "Send now" or "Send at the time chosen".
    when = forms.ChoiceField(
        choices=[(NOW, "Now"), (LATER, "Later")], required=False, widget=forms.HiddenInput
    )
    send_at = forms.DateTimeField(
        label="Send at (UK time)",
        required=False,
        widget=DATETIME,
        help_text="A date and time still to come, within a year.",
    )

    def clean(self):
        data = super().clean()
        if data.get("when") != self.LATER:
            data["send_at"] = None
            return data
        send_at = data.get("send_at")
        if send_at is None:
            if "send_at" not in self.errors:
                self.add_error("send_at", "Choose the date and time to send it.")
        elif send_at <= timezone.now() + datetime.timedelta(minutes=1):
            self.add_error("send_at", "Choose a time still to come, or send it now.")
        return data
