import datetime

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django import forms
from django.utils import timezone

from .models import Post, School, User
from .reauthentication import require_code_if_no_password


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["title", "first_name", "last_name", "show_email_to_members"]
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "honorific-prefix"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label="School name, town or URN",
        min_length=3,
        max_length=100,
        help_text="Part of the school's name, its town, or both, or its six-digit URN.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The examples come from the register itself, so each finds a school.
        example = School.objects.search_example()
        if example is not None:
            name, town, urn = example
            self.fields["q"].help_text = (
                f"Part of the school's name, its town, or both, or its URN: for example "
                f"“{name}”, “{town}”, “{name}, {town}” or {urn}."
            )


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["role", "started_on", "ended_on"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"role": "Your role at this school", "ended_on": "End date (past posts only)"}
        help_texts = {"started_on": "When you started in this role."}

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError("A post can start at most a year from now.")
        return started_on


class EndPostForm(forms.Form):
    ended_on = forms.DateField(
        label="Last day in this post", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, post: Post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.post.started_on:
            raise forms.ValidationError(
                f"The post started on {self.post.started_on:%-d %B %Y}; it cannot end before that."
            )
        return ended_on


class CloseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account, posts and memberships will be removed for good",
    )


# The account pages (allauth's, with Headnet's rules and words).


class AccountWording:
    """allauth's fields in Headnet's words: British English, sentence case, one name for
    each thing ("email address", "sign in"), and no placeholder repeating the label."""

    labels = {
        "login": "Email address",
        "email": "Email address",
        "remember": "Keep me signed in on this device",
        "oldpassword": "Current password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


class NewPasswordWording(AccountWording):
    labels = AccountWording.labels | {
        "password1": "New password",
        "password2": "New password (again)",
    }


class LoginForm(AccountWording, allauth_forms.LoginForm):
    pass


class ResetPasswordForm(AccountWording, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(NewPasswordWording, allauth_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(NewPasswordWording, allauth_forms.ChangePasswordForm):
    pass


class RequestLoginCodeForm(AccountWording, allauth_forms.RequestLoginCodeForm):
    pass


class ChangeEmailForm(AccountWording, allauth_forms.AddEmailForm):
    """A new address for the account, and a word to the one in use straight away."""

    def save(self, request):
        # allauth has asked for the password already; an account without one gives a code.
        require_code_if_no_password(request)
        in_use = EmailAddress.objects.filter(user=self.user, verified=True).first()
        address = super().save(request)
        if in_use and address.pk:
            # If it was not them, the owner hears of it before anything changes, with what
            # to do (a password reset signs everyone else out), from the address in use.
            get_adapter(request).send_notification_mail(
                "account/email/email_change_requested",
                self.user,
                {"from_email": in_use.email, "to_email": address.email},
                email=in_use.email,
            )
        return address


class SetPasswordForm(AccountWording, allauth_forms.SetPasswordForm):
    """A first password, for an account that proved itself with an emailed code."""

    def __init__(self, *args, **kwargs):
        # Asked before the form is even shown: a password set from a session someone
        # else signed in would let them back in, and reauthenticate, at will.
        require_code_if_no_password(allauth_context.request)
        super().__init__(*args, **kwargs)
