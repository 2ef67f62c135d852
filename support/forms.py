from django import forms

from members.models import LocalAuthority, School

from .models import CheckInReply, MentorOffer, MentorRequest, SupportRequest


class SupportRequestForm(forms.ModelForm):
    """Asking a network's coaches for help: no detail required."""

    # Declared so that the radio groups start with nothing chosen and have no empty
    # "select an option" choice (a model field's form field would add one).
    help = forms.ChoiceField(
        label="What kind of help", choices=SupportRequest.Help.choices, widget=forms.RadioSelect
    )
    contact_by = forms.ChoiceField(
        label="How to contact you",
        choices=SupportRequest.ContactBy.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SupportRequest
        fields = ["help", "contact_by", "contact_details", "contact_when", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class NoteForm(forms.Form):
    text = forms.CharField(label="Your note", max_length=4000, widget=forms.Textarea({"rows": 3}))


class MentorRequestForm(forms.ModelForm):
    class Meta:
        model = MentorRequest
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "note": "Optional: only the scheme's brokers and the mentor they propose read it."
        }


class CheckInReplyForm(forms.ModelForm):
    # Declared so that the radio buttons have no empty "select an option" choice.
    answer = forms.ChoiceField(
        label="How is it going", choices=CheckInReply.Answer.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = CheckInReply
        fields = ["answer", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class MentorOfferForm(forms.ModelForm):
    """An experienced head's offer: who they will mentor, where, how many at a time."""

    sectors = forms.MultipleChoiceField(
        label="Heads of which kinds of school",
        choices=[(value, label) for value, label in School.Sector.choices if value != "other"],
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.TypedChoiceField(
        label="How many mentees at a time",
        choices=[(number, str(number)) for number in range(1, 6)],
        coerce=int,
    )

    class Meta:
        model = MentorOffer
        fields = ["sectors", "areas", "capacity", "note", "is_active"]
        labels = {
            "areas": "In which local authorities",
            "note": "A short note for the brokers",
            "is_active": "Open to new mentees",
        }
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = area_choices
        self.fields["areas"].required = False
        self.fields["areas"].help_text = "None ticked: anywhere the scheme serves."


def scheme_areas(scheme):
    """The local authorities a mentor may pick: the scheme's, or every one for a national one."""
    area_ids = scheme.area_ids()
    return (
        LocalAuthority.objects.filter(pk__in=area_ids) if area_ids else LocalAuthority.objects.all()
    )
