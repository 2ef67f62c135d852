"""The project's admin site: Django's, with the sidebar's list of apps worked out only on
a page that shows it.

Django works the list out for every admin page, asking each registered admin whether the
user may see it (for a network's administrator, two queries of their permissions), even
on a page without the sidebar. A list an administrator pages through many times (the
membership list of a large network) turns the sidebar off, and so never pays for it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class AdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        # Worked out when first read: every admin page's context asks for it (for the
        # sidebar), and a page without the sidebar never reads it.
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class HeadnetAdminConfig(AdminConfig):
    default_site = "core.admin_site.AdminSite"
