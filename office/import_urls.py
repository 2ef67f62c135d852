"""The office's invitations and member spreadsheet import (included by office.urls, so the
names join the "office" namespace). Every page is under invitations/, so the office's
navigation marks "Invitations and imports" on each."""

from django.urls import path

from . import import_views, invitation_views

urlpatterns = [
    path("invitations/", invitation_views.invitations, name="invitations"),
    path(
        "invitations/<int:pk>/withdraw/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/import/", import_views.import_new, name="import_new"),
    path("invitations/import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path(
        "invitations/import/<int:pk>/columns/", import_views.import_columns, name="import_columns"
    ),
    path(
        "invitations/import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"
    ),
    path(
        "invitations/import/<int:pk>/withdraw/",
        import_views.import_withdraw,
        name="import_withdraw",
    ),
]
