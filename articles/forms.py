from django import forms

from members.models import User
from networks.models import Network

from .models import Article, Story, StoryInbox


class ArticleForm(forms.ModelForm):
    """An article's text, audience and authors, for a coordinator or a named author."""

    authors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members of the network named as its authors; they may edit it too.",
    )

    class Meta:
        model = Article
        fields = ["title", "summary", "body", "audience"]
        labels = {"body": "Text", "audience": "Who can read it"}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, network: Network, can_name_authors: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if can_name_authors:
            self.fields["authors"].queryset = User.objects.filter(
                memberships__network=network, memberships__status="active"
            ).order_by("last_name", "first_name")
            if self.instance.pk:
                self.initial["authors"] = list(self.instance.authors.all())
        else:
            # Only coordinators choose who the authors are.
            del self.fields["authors"]


class StoryForm(forms.Form):
    """A story to share, by name or anonymously."""

    BY_NAME = "name"
    ANONYMOUS = "anonymous"

    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Your story",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown works: a blank line starts a new paragraph.",
    )
    shown_as = forms.ChoiceField(
        label="How should it be shown?",
        choices=[
            (BY_NAME, "With my name"),
            (ANONYMOUS, "Anonymously: nothing Headnet keeps links the story to me"),
        ],
        widget=forms.RadioSelect,
        initial=ANONYMOUS,
    )

    @property
    def is_anonymous(self) -> bool:
        return self.cleaned_data["shown_as"] == self.ANONYMOUS


class StoryReviseForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["title", "body"]
        labels = {"body": "Your story"}
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class ModerationForm(forms.Form):
    PUBLISH = "publish"
    RETURN = "return"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[
            (PUBLISH, "Publish it"),
            (RETURN, "Return it to the author with a note"),
            (REJECT, "Do not publish it"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note to the author",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the author's private page. Needed to return a story.",
    )


class StoryInboxForm(forms.ModelForm):
    class Meta:
        model = StoryInbox
        fields = ["is_open", "invitation"]
        labels = {"is_open": "Heads may share stories with the network"}
        widgets = {"invitation": forms.Textarea(attrs={"rows": 3})}
