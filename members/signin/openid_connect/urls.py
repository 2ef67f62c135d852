from django.urls import include, path

from . import views

# allauth's paths and names (oidc/<provider_id>/login/...), with Headnet's views.
urlpatterns = [
    path(
        "oidc/<str:provider_id>/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]
