"""The forms of a poll's outcome: what was decided, and a meeting-time poll's slot."""

import datetime

from django import forms
from django.utils import timezone

from .models import Option


class OutcomeForm(forms.Form):
    statement = forms.CharField(
        label="What was decided",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="In a sentence or two, as members will read it under “What we decided”.",
    )
    review_on = forms.DateField(
        label="Review on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="When the network should look at this decision again.",
    )

    def clean_review_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["review_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The review date cannot be in the past.")
        return day


class SlotForm(forms.Form):
    """Which of the poll's slots becomes the draft meeting (the best one unless changed)."""

    slot = forms.ChoiceField(label="Slot", widget=forms.RadioSelect)

    def __init__(self, *args, slots: list[Option], best: Option | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {str(slot.pk): slot for slot in slots if slot.starts_at and slot.ends_at}
        self.fields["slot"].choices = [
            (key, f"{slot.label} (the most yes answers)" if slot == best else slot.label)
            for key, slot in self.slots.items()
        ]
        if best is not None:
            self.fields["slot"].initial = str(best.pk)

    def clean_slot(self) -> Option:
        return self.slots[self.cleaned_data["slot"]]
