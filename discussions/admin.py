"""Replies by email as they arrived, for site staff: what became of each (discussions.inbound)
when a member asks why their reply did not appear. Read only: nothing is added, changed or
deleted here. Staff only: a reply belongs to no network until it is posted (and a dropped
one names none), so a network's administrators have nothing here to be scoped to.
"""

from django.contrib import admin
from django.http import HttpRequest

from .models import InboundReply


def _is_site_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


@admin.register(InboundReply)
class InboundReplyAdmin(admin.ModelAdmin):
    list_display = ["received_at", "outcome", "message_id", "post"]
    list_filter = ["outcome"]
    search_fields = ["message_id"]
    list_select_related = ["post__thread"]
    fields = ["received_at", "outcome", "message_id", "post"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return _is_site_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_site_staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
