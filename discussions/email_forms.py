"""The discussions' part of the email preferences page (/me/email/, portal)."""

from typing import Any

from django import forms

from networks.models import Network

from .models import DiscussionPreference


class DiscussionChoicesForm(forms.Form):
    """A person's choice of discussion emails for each network they are a member of: one
    set of radio buttons a network. A network left out of the POST keeps its choice (the
    page's announcements may be sent alone)."""

    def __init__(
        self, *args: Any, networks: list[Network], chosen: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.networks = networks
        for network in networks:
            self.fields[self.field_name(network)] = forms.ChoiceField(
                label=f"Discussions in {network.display_name}",
                choices=DiscussionPreference.Choice.choices,
                initial=chosen[network.pk],
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def field_name(network: Network) -> str:
        return f"discussions-{network.pk}"

    def field_for(self, network: Network) -> forms.BoundField:
        return self[self.field_name(network)]

    def choices(self) -> dict[Network, str]:
        """The choices given, for the networks whose field was sent."""
        return {
            network: self.cleaned_data[self.field_name(network)]
            for network in self.networks
            if self.cleaned_data.get(self.field_name(network))
        }
