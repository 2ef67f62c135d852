import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone

from members.models import LocalAuthority, School
from networks.models import Membership, Network

from .models import LONDON, Meeting, MeetingSeries, Paper, check_date_in_range
from .papers import ACCEPTED, MAX_PAPER_BYTES

MONTH = re.compile(r"(\d{4})-(\d{1,2})")
SERIES_YEARS = 10  # 60 meetings at most; six a year fill ten years

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def member_schools(network: Network):
    """Schools of the network: seats of a school-based network, members' current schools."""
    live = Membership.Status.ACTIVE
    return (
        School.objects.filter(
            Q(memberships__network=network, memberships__status=live)
            | Q(
                posts__person__memberships__network=network,
                posts__person__memberships__status=live,
                posts__ended_on__isnull=True,
            )
        )
        .distinct()
        .order_by("name")
    )


class MeetingForm(forms.ModelForm):
    """A meeting's details, for a coordinator."""

    class Meta:
        model = Meeting
        fields = [
            "title", "kind", "workhub", "starts_at", "ends_at", "format", "venue_school",
            "venue_address", "online_url", "agenda", "capacity", "registration_required",
            "audience",
        ]  # fmt: skip
        labels = {
            "starts_at": "Starts (UK time)",
            "ends_at": "Ends (UK time)",
            "venue_school": "Venue: a member school",
            "venue_address": "Or venue address",
            "registration_required": "People register to come",
            "audience": "Who can see it and come",
        }
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        self.fields["workhub"].queryset = network.workhubs.all()
        self.fields["venue_school"].queryset = member_schools(network)


class WorkhubMeetingForm(MeetingForm):
    """A meeting of one workhub: the workhub is the one it is planned from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["workhub"]


class EditMeetingForm(MeetingForm):
    scope = forms.ChoiceField(
        label="Apply the changes to",
        choices=[("this", "This meeting only"), ("following", "This and the following meetings")],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.series_id:
            del self.fields["scope"]


SERIES_FIELDS = [
    "title", "kind", "format", "venue_address", "online_url", "agenda", "capacity",
    "registration_required", "audience",
]  # fmt: skip
SERIES_RULES = [c for c in MeetingSeries.Rule.choices if c[0] != MeetingSeries.Rule.SESSIONS]
Rule = MeetingSeries.Rule
# The fields each rhythm needs beyond the dates and times every series has.
RULE_FIELDS = {
    Rule.WEEKLY: ("interval", "skip_holidays"),
    Rule.MONTHLY: ("nth", "skip_holidays"),
    Rule.HALF_TERMLY: ("nth",),
    Rule.TIMES_A_YEAR: ("per_year", "nth"),
}
WEEK_OF_HALF_TERM = [(week, f"Week {week}") for week in range(1, 7)]
WEEKDAY_OF_MONTH = [(1, "The first"), (2, "The second"), (3, "The third"), (4, "The fourth"),
                    (-1, "The last")]  # fmt: skip


class SeriesRuleForm(forms.Form):
    """The first step of a series: how often it meets, which decides what is asked next."""

    rule = forms.ChoiceField(label="How often", choices=SERIES_RULES, widget=forms.RadioSelect)


class SeriesForm(forms.ModelForm):
    """A recurring series, its rhythm chosen already: the dates and only the fields that
    rhythm needs, then what every meeting in it shares."""

    rule = forms.ChoiceField(choices=SERIES_RULES, widget=forms.HiddenInput)
    first_date = forms.DateField(
        label="First date",
        widget=DATE,
        help_text="The series meets on this day of the week.",
        validators=[check_date_in_range],
    )
    until = forms.DateField(
        label="Last date (optional)",
        widget=DATE,
        required=False,
        help_text="Empty: to the end of the academic year.",
        validators=[check_date_in_range],
    )
    start_time = forms.TimeField(label="Start time", widget=TIME)
    end_time = forms.TimeField(label="End time", widget=TIME)
    interval = forms.IntegerField(label="Every how many weeks", min_value=1, max_value=8, initial=1)
    nth = forms.TypedChoiceField(coerce=int, initial=1)
    per_year = forms.IntegerField(label="Times a year", min_value=1, max_value=12, initial=6)
    skip_holidays = forms.BooleanField(label="Skip school holidays", required=False, initial=True)
    venues = forms.ModelMultipleChoiceField(
        label="Rotate the venue through these member schools",
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = SERIES_FIELDS
        labels = MeetingForm.Meta.labels
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, network: Network, rule: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        self.rule = rule
        self.rule_label = Rule(rule).label
        self.fields["rule"].initial = rule
        self.fields["venues"].queryset = member_schools(network)
        for name in {"interval", "nth", "per_year", "skip_holidays"} - set(RULE_FIELDS[rule]):
            del self.fields[name]
        if "nth" in self.fields:
            monthly = rule == Rule.MONTHLY
            self.fields["nth"].label = (
                "Which of its weekdays in the month" if monthly else "Which week of each half term"
            )
            self.fields["nth"].choices = WEEKDAY_OF_MONTH if monthly else WEEK_OF_HALF_TERM
            self.fields["nth"].help_text = (
                ""
                if monthly
                else "Counted from the half term's first week, whatever the first date."
            )

    @property
    def rule_fields(self) -> list:
        return [self[name] for name in RULE_FIELDS[self.rule]]

    def clean(self):
        data = super().clean()
        if data.get("rule") and data["rule"] != self.rule:
            raise forms.ValidationError("Choose how often again.")
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The meetings must end after they start.")
        first, until = data.get("first_date"), data.get("until")
        if first and until and until < first:
            self.add_error("until", "The last date must be after the first.")
        elif first and until and until.year - first.year > SERIES_YEARS:
            self.add_error("until", f"A series runs for {SERIES_YEARS} years at most.")
        fmt = data.get("format")
        if fmt in (Meeting.Format.ONLINE, Meeting.Format.HYBRID) and not data.get("online_url"):
            self.add_error("online_url", "An online or hybrid meeting needs its link.")
        needs_venue = fmt in (Meeting.Format.IN_PERSON, Meeting.Format.HYBRID)
        if needs_venue and not data.get("venues") and not data.get("venue_address"):
            self.add_error("venue_address", "Give a venue: member schools or an address.")
        return data

    def _post_clean(self):
        # The meetings are checked one by one when the series is made.
        pass


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The members told about it and the people registered receive this by email.",
    )


class UrgentMeetingForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Urgent online meeting")
    starts_at = forms.DateTimeField(label="Starts (UK time)", widget=DATETIME)
    minutes = forms.TypedChoiceField(
        label="Length",
        coerce=int,
        choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour")],
        initial=30,
    )
    online_url = forms.URLField(label="Online link", max_length=500)

    def clean_starts_at(self):
        starts = self.cleaned_data["starts_at"]
        if starts > timezone.now() + datetime.timedelta(days=7):
            raise forms.ValidationError("An urgent meeting is today or in the next few days.")
        return starts


class PaperForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of paper", choices=Paper.Kind.choices)
    title = forms.CharField(max_length=200, required=False, help_text="Empty: the file's name.")
    file = forms.FileField(
        help_text=f"{ACCEPTED}; at most {MAX_PAPER_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx,.odt,.ods,.odp"}
        ),
    )
    visibility = forms.ChoiceField(label="Who may download it", choices=Paper.Visibility.choices)


class ReplacePaperForm(forms.Form):
    file = PaperForm.base_fields["file"]


class ScheduleFilterForm(forms.Form):
    """The query string of /meetings/: shareable filters, no JavaScript needed."""

    network = forms.ModelChoiceField(
        queryset=Network.objects.order_by("name"), to_field_name="slug", required=False
    )
    area = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.filter(networks__isnull=False).distinct().order_by("name"),
        to_field_name="code",
        required=False,
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Meeting.Kind.choices], required=False)
    format = forms.ChoiceField(
        choices=[("", "Any format"), *Meeting.Format.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The query string says `from` and `to`, which are not Python names.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label, widget=DATE, required=False, validators=[check_date_in_range]
            )
        # The month view's month (YYYY-MM), sent by its links rather than typed.
        self.fields["month"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_month(self) -> datetime.date | None:
        """The first day of the month asked for, or None for this month."""
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        match = MONTH.fullmatch(text)
        try:
            first = datetime.date(int(match[1]), int(match[2]), 1) if match else None
            if first:
                check_date_in_range(first)
        except (ValueError, forms.ValidationError):
            first = None
        if first is None:
            raise forms.ValidationError("Give a month as YYYY-MM, between 1900 and 2999.")
        return first

    def filter(self, meetings):
        data = self.cleaned_data
        if data.get("network"):
            meetings = meetings.filter(network=data["network"])
        if data.get("area"):
            meetings = meetings.filter(network__areas=data["area"])
        if data.get("kind"):
            meetings = meetings.filter(kind=data["kind"])
        if data.get("format"):
            meetings = meetings.filter(format=data["format"])
        if data.get("from"):
            start = datetime.datetime.combine(data["from"], datetime.time(), tzinfo=LONDON)
            meetings = meetings.filter(ends_at__gte=start)
        if data.get("to"):
            end = datetime.datetime.combine(data["to"], datetime.time(), tzinfo=LONDON)
            meetings = meetings.filter(starts_at__lt=end + datetime.timedelta(days=1))
        return meetings
