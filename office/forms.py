from django import forms

from networks.models import Membership


class RoleForm(forms.Form):
    """A member's new role."""

    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, sent to the person)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
