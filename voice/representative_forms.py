"""The forms of the representatives' pages: they only read what was typed; the rules are
voice.representatives'."""

from django import forms
from django.utils import timezone

from members.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class RepresentativeForm(forms.Form):
    """Who, on which board, for what term."""

    person = MemberChoiceField(
        label="A member",
        queryset=User.objects.none(),
        required=False,
        empty_label="- Someone outside Headnet -",
        help_text="Choose the member who represents the network, or give a name below.",
    )
    name = forms.CharField(
        label="Or the name of someone outside Headnet",
        max_length=200,
        required=False,
        help_text="Only if they are not a member on Headnet.",
    )
    board = forms.CharField(
        label="Board or group",
        max_length=200,
        help_text="For example: the Schools Forum, the county's SACRE.",
    )
    term_starts_on = forms.DateField(label="Term starts", widget=DATE)
    term_ends_on = forms.DateField(
        label="Term ends", widget=DATE, required=False, help_text="Leave it empty if not known."
    )

    def __init__(self, *args, members, **kwargs):
        kwargs.setdefault("initial", {"term_starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members


class EndTermForm(forms.Form):
    ends_on = forms.DateField(
        label="The term ends on",
        widget=DATE,
        help_text="From this day they are listed among past representatives.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ends_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    title = forms.CharField(max_length=150)
    body = forms.CharField(
        label="Report",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Markdown works: a blank line starts a new paragraph, *words* in italics, "
            "**words** in bold, [words](https://example.org) a link, “## ” a heading."
        ),
    )
