"""Mounted at the site root: /meetings/<pk>/attendance/..., /check-in/, /me/cpd/...,
/networks/<slug>/participation/..."""

from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("meetings/<int:pk>/attendance/", views.attendance_register, name="register"),
    path("meetings/<int:pk>/attendance/mark/", views.attendance_mark, name="mark"),
    path("meetings/<int:pk>/attendance/walk-in/", views.attendance_walk_in, name="walk_in"),
    path("meetings/<int:pk>/attendance/code/", views.attendance_code, name="code"),
    path("check-in/", views.check_in, name="check_in"),
]
