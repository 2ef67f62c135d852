"""The site's URLs as they will be once the office's other parts (fees, invitations and
imports) are merged: stand-ins at their URL names, for the navigation's tests."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as site_urlpatterns
from office import urls as office_urls
from office import views

every_part = [
    *office_urls.urlpatterns,
    path("fees/", views.home, name="fees"),
    path("invitations/", views.home, name="invitations"),
]
urlpatterns = [
    path("networks/<slug:slug>/office/", include((every_part, "office"))),
    *(
        pattern
        for pattern in site_urlpatterns
        if not (isinstance(pattern, URLResolver) and pattern.namespace == "office")
    ),
]
