"""Mounted at the site root: /meetings/<pk>/attendance/..., /check-in/, /me/cpd/...,
/networks/<slug>/participation/..."""

from django.urls import path

from . import correction_views, participation_views, record_views, views

app_name = "attendance"

urlpatterns = [
    path("meetings/<int:pk>/attendance/", views.attendance_register, name="register"),
    path("meetings/<int:pk>/attendance/mark/", views.attendance_mark, name="mark"),
    path("meetings/<int:pk>/attendance/walk-in/", views.attendance_walk_in, name="walk_in"),
    path("meetings/<int:pk>/attendance/code/", views.attendance_code, name="code"),
    path("check-in/", views.check_in, name="check_in"),
    # Corrections: asked for on the meeting, decided in the network.
    path(
        "meetings/<int:pk>/attendance/correction/",
        correction_views.correction_ask,
        name="correction_ask",
    ),
    path(
        "networks/<slug:slug>/attendance/corrections/",
        correction_views.corrections_list,
        name="corrections",
    ),
    path(
        "networks/<slug:slug>/attendance/corrections/<int:pk>/confirm/",
        correction_views.correction_confirm,
        name="correction_confirm",
    ),
    path(
        "networks/<slug:slug>/attendance/corrections/<int:pk>/decline/",
        correction_views.correction_decline,
        name="correction_decline",
    ),
    # A person's own record.
    path("meetings/<int:pk>/certificate.pdf", record_views.certificate, name="certificate"),
    path("me/cpd/", record_views.cpd_record, name="cpd"),
    path("me/cpd.csv", record_views.cpd_csv, name="cpd_csv"),
    path("me/cpd.pdf", record_views.cpd_pdf, name="cpd_pdf"),
    # Participation per school: the network's coordinators and administrators.
    path(
        "networks/<slug:slug>/participation/",
        participation_views.participation_page,
        name="participation",
    ),
    path(
        "networks/<slug:slug>/participation.csv",
        participation_views.participation_csv,
        name="participation_csv",
    ),
]
