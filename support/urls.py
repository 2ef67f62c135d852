"""Mounted at the site root: /mentoring/... and /networks/<slug>/support/..."""

from django.urls import path

from . import views

app_name = "support"

coaching = [
    # The link in coaching emails: it names no network (docs/rules.md, section 9).
    path("coaching/<int:pk>/", views.support_link, name="link"),
    path("networks/<slug:slug>/support/", views.support_ask, name="ask"),
    path("networks/<slug:slug>/support/coach/", views.support_coach, name="coach"),
    path("networks/<slug:slug>/support/<int:pk>/", views.support_request, name="request"),
    path("networks/<slug:slug>/support/<int:pk>/take/", views.support_take, name="take"),
    path("networks/<slug:slug>/support/<int:pk>/note/", views.support_note, name="note"),
    path("networks/<slug:slug>/support/<int:pk>/close/", views.support_close, name="close"),
    path(
        "networks/<slug:slug>/support/<int:pk>/withdraw/", views.support_withdraw, name="withdraw"
    ),
]

mentoring = [
    path("mentoring/", views.mentoring_home, name="mentoring"),
    path("mentoring/pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("mentoring/pairings/<int:pk>/accept/", views.pairing_accept, name="pairing_accept"),
    path("mentoring/pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path(
        "mentoring/pairings/<int:pk>/check-ins/<int:months>/",
        views.check_in_reply,
        name="check_in",
    ),
    path(
        "mentoring/requests/<int:pk>/withdraw/",
        views.mentor_request_withdraw,
        name="mentor_request_withdraw",
    ),
    path("mentoring/audit/", views.pairing_audit_list, name="audit"),
    path("mentoring/audit/<int:pk>/", views.pairing_audit, name="pairing_audit"),
    path("mentoring/<slug:slug>/ask/", views.mentor_ask, name="mentor_ask"),
    path("mentoring/<slug:slug>/offer/", views.mentor_offer, name="mentor_offer"),
    path("mentoring/<slug:slug>/broker/", views.broker_home, name="broker"),
    path("mentoring/<slug:slug>/broker/new-heads/", views.broker_new_heads, name="new_heads"),
    path(
        "mentoring/<slug:slug>/broker/new-heads/<int:pk>/",
        views.broker_new_head,
        name="new_head",
    ),
    path(
        "mentoring/<slug:slug>/broker/requests/<int:pk>/propose/",
        views.broker_propose,
        name="propose",
    ),
]

urlpatterns = coaching + mentoring
