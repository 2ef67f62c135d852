from django import forms

from .corrections import NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label="A short note for the coordinator",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, where you sat or who you spoke to, or why you are not on "
        "the register (you came in place of a colleague, you signed in on paper).",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you are declining (sent to them)",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, correction_pk: int, **kwargs):
        # One form per correction on the same page: each needs its own field ids.
        self.correction_pk = correction_pk
        super().__init__(*args, auto_id=f"id_%s_{correction_pk}", **kwargs)
