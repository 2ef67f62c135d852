"""The office's invitations and member spreadsheet import (included by office.urls, so the
names join the "office" namespace)."""

from django.urls import path

from . import import_views, invitation_views

urlpatterns = [
    path("invitations/", invitation_views.invitations, name="invitations"),
    path(
        "invitations/<int:pk>/withdraw/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("import/", import_views.import_new, name="import_new"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/columns/", import_views.import_columns, name="import_columns"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/withdraw/", import_views.import_withdraw, name="import_withdraw"),
]
