"""The site's URLs plus two references for `make bench`: a bare view, and the stock
Django admin's membership list (the declaration we started from, without our work)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path

from networks.models import Membership

from .urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do, through the same middleware as every page."""
    return HttpResponse("ok")


class StockMembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "network", "school", "status", "role", "requested_at"]
    list_filter = ["status", "role", "network"]
    search_fields = ["person__email", "person__last_name", "network__name", "school__name"]
    list_select_related = ["person", "network", "school"]


stock_admin = admin.AdminSite(name="stock_admin")
stock_admin.register(Membership, StockMembershipAdmin)

urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/stock-admin/", stock_admin.urls),
    *site_urlpatterns,
]
