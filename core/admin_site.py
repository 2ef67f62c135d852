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
    def each_context(self, request):
        # Django's own (django.contrib.admin.sites.AdminSite.each_context), the app list
        # lazy: iterated by the sidebar where there is one, else never worked out.
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }


class HeadnetAdminConfig(AdminConfig):
    default_site = "core.admin_site.AdminSite"
