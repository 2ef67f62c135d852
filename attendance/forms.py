from django import forms

from .services import CODE_LENGTH


class CheckInForm(forms.Form):
    """The code shown at a meeting, typed (or filled in by its QR code)."""

    code = forms.CharField(
        label="The meeting's code",
        max_length=20,
        help_text=f"{CODE_LENGTH} letters and numbers, shown at the meeting.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control form-control-lg check-in-code",
            }
        ),
    )
