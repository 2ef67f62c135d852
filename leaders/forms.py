from django import forms
from django.db.models import Exists, OuterRef

from core import widgets
from members.models import Designation, LocalAuthority, Post, School

from .models import Listing


class DesignationForm(forms.Form):
    kind = forms.ChoiceField(label="Designation", choices=Designation.Kind.choices)
    since = forms.DateField(
        label="Held since (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where it can be checked: the awarding body, a letter, a link.",
    )


class ListingForm(forms.ModelForm):
    class Meta:
        model = Listing
        fields = ["availability", "note"]
        labels = {"note": "Note for heads looking for help (optional)"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", "Confirm it"), ("reject", "Reject it")], widget=forms.RadioSelect
    )


class DirectoryFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Designation",
        required=False,
        choices=[("", "Any")] + Designation.Kind.choices,
        widget=widgets.Select,
    )
    sector = forms.ChoiceField(
        label="Phase",
        required=False,
        choices=[("", "Any")] + School.Sector.choices,
        widget=widgets.Select,
    )
    area = forms.ChoiceField(label="Area", required=False, choices=[], widget=widgets.Select)
    availability = forms.ChoiceField(
        required=False, choices=[("", "Any")] + Listing.Availability.choices, widget=widgets.Select
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Areas where anyone holds a post: a semi-join (EXISTS), not every post joined
        # and the duplicates removed.
        with_posts = Post.objects.filter(school__local_authority=OuterRef("pk"))
        self.fields["area"].choices = [("", "Anywhere")] + list(
            LocalAuthority.objects.filter(Exists(with_posts))
            .order_by("name")
            .values_list("code", "name")
        )
