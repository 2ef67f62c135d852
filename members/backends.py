from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Password sign-in for the admin and `authenticate(email=...)`, case-insensitive."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(request, username=username or email, password=password)
