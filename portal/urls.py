from django.urls import path

from . import contact, views

app_name = "portal"

urlpatterns = [
    path("contact/", contact.site_contact, name="contact"),
    path("me/profile/", views.profile, name="profile"),
    path("me/posts/add/", views.post_add, name="post_add"),
    path("me/posts/<int:pk>/end/", views.post_end, name="post_end"),
    path("me/email/", views.email_preferences, name="email_preferences"),
    path("me/email/resume/", views.email_resume, name="email_resume"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/download/", views.data_download, name="data_download"),
    path("me/close/", views.account_close, name="account_close"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/confirm/", views.claim_confirm, name="claim_confirm"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/seats/", views.claim_seats, name="claim_seats"),
    path("claims/<int:pk>/revoke/", views.claim_revoke, name="claim_revoke"),
]
