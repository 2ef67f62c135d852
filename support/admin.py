"""Only the support roles and the schemes are in the admin: a network's administrators
(and site staff) name its brokers and coaches there. Offers, requests, pairings and
coaching requests are deliberately absent: nobody reads them here, staff included."""

from django.contrib import admin

from networks.admin import NetworkScopedAdmin

from .models import Broker, Coach, MentoringScheme


class BrokerInline(admin.TabularInline):
    model = Broker
    extra = 0
    raw_id_fields = ["person"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(MentoringScheme)
class MentoringSchemeAdmin(NetworkScopedAdmin):
    """A network's administrators see their networks' schemes; a local authority's are staff's."""

    list_display = ["name", "network", "local_authority", "is_open"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BrokerInline]

    def _network_id_of(self, obj):
        # A local authority's scheme (or a form posted without a network) has none: then
        # it is no network administrator's, only site staff's.
        return obj.network_id

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["exclude"] = ["local_authority"]
        return super().get_form(request, obj, **kwargs)

    def save_formset(self, request, form, formset, change):
        for broker in formset.save(commit=False):
            broker.added_by = broker.added_by or request.user
            broker.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(Coach)
class CoachAdmin(NetworkScopedAdmin):
    """A network's coach pool: sees its coaching requests and nothing else."""

    list_display = ["person", "network", "added_at"]
    raw_id_fields = ["person"]
    readonly_fields = ["added_by", "added_at"]

    def save_model(self, request, obj, form, change):
        obj.added_by = obj.added_by or request.user
        super().save_model(request, obj, form, change)
