from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/join/", views.network_join, name="join"),
    path("<slug:slug>/leave/", views.network_leave, name="leave"),
    path("<slug:slug>/members/", views.network_members, name="members"),
    path("<slug:slug>/requests/", views.network_requests, name="requests"),
    path("<slug:slug>/history/", views.network_history, name="history"),
    path("<slug:slug>/claims/", views.network_claims, name="claims"),
    path("<slug:slug>/invite/", views.network_invite, name="invite"),
    path("<slug:slug>/accept/", views.network_accept, name="accept"),
    path("<slug:slug>/contact/", views.network_contact, name="contact"),
    path("<slug:slug>/workhubs/", views.workhub_list, name="workhubs"),
    path("<slug:slug>/workhubs/<slug:workhub_slug>/", views.workhub_detail, name="workhub"),
    path("<slug:slug>/workhubs/<slug:workhub_slug>/join/", views.workhub_join, name="workhub_join"),
    path(
        "<slug:slug>/workhubs/<slug:workhub_slug>/leave/",
        views.workhub_leave,
        name="workhub_leave",
    ),
]
