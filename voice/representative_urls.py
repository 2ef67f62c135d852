"""Mounted at /networks/<slug>/representatives/ (voice.urls), in the "voice" namespace."""

from django.urls import path

from . import representative_views as views

urlpatterns = [
    path("", views.representative_list, name="representative_list"),
    path("new/", views.representative_add, name="representative_add"),
    path("<int:pk>/end/", views.representative_end, name="representative_end"),
    path("<int:pk>/reports/new/", views.report_add, name="report_add"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
]
