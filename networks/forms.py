from django import forms

from members.forms import PostForm
from members.models import LocalAuthority, School

from .models import EmailPreference, Network


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters; every field is optional and they combine."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind of network", required=False, choices=[("", "Any kind"), *Network.Kind.choices]
    )
    area = forms.ModelChoiceField(
        label="Area",
        required=False,
        queryset=LocalAuthority.objects.filter(networks__isnull=False).distinct(),
        to_field_name="code",
        empty_label="Anywhere",
    )
    phase = forms.ChoiceField(
        label="School phase",
        required=False,
        choices=[("", "Any phase"), *School.Sector.choices],
    )

    def filter(self, networks):
        data = self.cleaned_data
        if data.get("q"):
            networks = networks.search(data["q"])
        if data.get("kind"):
            networks = networks.filter(kind=data["kind"])
        if data.get("area"):
            networks = networks.for_area(data["area"])
        if data.get("phase"):
            networks = networks.for_sector(data["phase"])
        return networks


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your email address", help_text="The coordinators reply here.")
    subject = forms.CharField(max_length=200)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    # A field people never see; bots that fill in every field give themselves away.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if user is not None and user.is_authenticated:
            # Signed-in people write as themselves.
            del self.fields["name"]
            del self.fields["email"]

    def sender(self, user) -> tuple[str, str]:
        """Name and address to reply to: the signed-in person's, or what was typed."""
        if user.is_authenticated:
            return user.get_full_name() or user.email, user.email
        return self.cleaned_data["name"], self.cleaned_data["email"]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, sent to the person)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address to invite")


class AcceptInvitationForm(PostForm):
    """The post an invitation offers, its role filled in from the invitation: the person
    checks it and says since when (a post's checks are PostForm's)."""

    class Meta(PostForm.Meta):
        fields = ["role", "started_on"]


class EmailPreferencesForm(forms.Form):
    """A person's choice of announcements for each network they are a member of: one set
    of radio buttons a network, named by its id (a network not given here is ignored)."""

    def __init__(self, *args, networks: list[Network], chosen: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = networks
        for network in networks:
            self.fields[self.field_name(network)] = forms.ChoiceField(
                label=network.display_name,
                choices=EmailPreference.Choice.choices,
                initial=chosen[network.pk],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def field_name(network: Network) -> str:
        return f"network-{network.pk}"

    def rows(self) -> list[tuple[Network, forms.BoundField]]:
        """Each network with its bound field, in the order given."""
        return [(network, self[self.field_name(network)]) for network in self.networks]

    def choices(self) -> dict[Network, str]:
        return {network: self.cleaned_data[self.field_name(network)] for network in self.networks}
