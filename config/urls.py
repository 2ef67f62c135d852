from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from networks import views as network_views

admin.site.site_header = "Headnet administration"
admin.site.site_title = "Headnet administration"
admin.site.index_title = "Networks, people and schools"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("networks/", include("networks.urls")),
    # /meetings/..., /networks/<slug>/meetings... and /me/calendar/...
    path("", include("meetings.urls")),
    path("me/", network_views.my_networks, name="me"),
    path("", include("members.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
