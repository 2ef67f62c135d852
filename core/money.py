"""Money as integer pence, entered and shown in pounds. Never a float anywhere.

"£1,234.50", "1234.5" and "450" are read digit by digit into pence; pence are
written back as "£1,234.50".
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Whole pounds, with commas only between thousands (1,250 but not 12,50: a comma there is
# a decimal point in other countries' way of writing, and guessing would be wrong by 100
# times), then up to two digits of pence. ASCII digits only.
_POUNDS = re.compile(r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<pence>[0-9]{1,2}))?")


def parse_pounds(text: str) -> int:
    """Pence from pounds written as people write them ("£1,250.00", "1250", "450.5");
    ValueError if it is not an amount."""
    cleaned = str(text).strip().removeprefix("£").strip()
    match = _POUNDS.fullmatch(cleaned)
    if not match:
        raise ValueError(f"{text!r} is not an amount in pounds, such as 450.00")
    pence = match["pence"] or "0"
    return int(match["pounds"].replace(",", "")) * 100 + int(pence.ljust(2, "0"))


def pounds_text(pence: int) -> str:
    """450.00 for 45000: how a form shows an amount for editing."""
    pounds, rest = divmod(int(pence), 100)
    return f"{pounds}.{rest:02d}"


def format_pence(pence: int | None) -> str:
    """£1,234.50 for 123450; empty for no amount."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


class PoundsFormField(forms.CharField):
    """An amount typed in pounds (£450.00), cleaned to integer pence."""

    def __init__(self, *, max_value: int | None = None, min_value=None, **kwargs):
        kwargs.pop("max_length", None)
        self.max_pence = max_value
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, int):
            return pounds_text(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            pence = parse_pounds(value)
        except ValueError:
            raise ValidationError(
                "Enter an amount in pounds, such as 450 or 450.00.", code="invalid"
            ) from None
        if self.max_pence is not None and pence > self.max_pence:
            raise ValidationError(f"Enter at most {format_pence(self.max_pence)}.", code="max")
        return pence


class PenceField(models.PositiveIntegerField):
    """Integer pence in the database; pounds in every form."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PoundsFormField, **kwargs})
