"""Mounted at /networks/<slug>/discussions/ (config.urls): a network's discussions."""

from django.urls import path

from . import views

app_name = "discussions"

POST = "<int:pk>/posts/<int:number>/"

urlpatterns = [
    path("", views.thread_list, name="thread_list"),
    path("new/", views.thread_new, name="thread_new"),
    path("workhubs/<slug:workhub_slug>/", views.workhub_threads, name="workhub_threads"),
    path("workhubs/<slug:workhub_slug>/new/", views.workhub_thread_new, name="workhub_thread_new"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("<int:pk>/reply/", views.thread_reply, name="reply"),
    path("<int:pk>/lock/", views.thread_lock, name="lock"),
    path("<int:pk>/unlock/", views.thread_unlock, name="unlock"),
    path(POST + "edit/", views.post_edit, name="post_edit"),
    path(POST + "delete/", views.post_delete, name="post_delete"),
    path(POST + "report/", views.post_report, name="post_report"),
    path(POST + "hide/", views.post_hide, name="post_hide"),
    path(POST + "unhide/", views.post_unhide, name="post_unhide"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:report_pk>/resolve/", views.report_resolve, name="report_resolve"),
]
