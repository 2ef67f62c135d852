from django.contrib import admin

from core.admin import AuditHistoryMixin, DateDrilldownGuardMixin

from .models import AcademicYear, CalendarFeed, Meeting, MeetingSeries, Paper, Registration, Term


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    autocomplete_fields = ["local_authority"]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    """Site staff keep the school years and their terms (and each LA's own dates) here."""

    list_display = ["label", "start_year"]
    inlines = [TermInline]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "half_term_starts_on", "half_term_ends_on", "ends_on"]
    list_filter = ["academic_year", "kind", "local_authority"]
    autocomplete_fields = ["local_authority"]

    def has_module_permission(self, request):
        return request.user.is_superuser


class RegistrationInline(admin.TabularInline):
    """Read-only: places are taken and given up through the services, which keep the
    capacity and the waiting list."""

    model = Registration
    extra = 0
    fields = ["person", "status", "created_at", "reminded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PaperInline(admin.TabularInline):
    model = Paper
    extra = 0
    fields = ["kind", "title", "visibility", "original_name", "size", "uploaded_at"]
    readonly_fields = ["original_name", "size", "uploaded_at"]


@admin.register(Meeting)
class MeetingAdmin(DateDrilldownGuardMixin, AuditHistoryMixin, admin.ModelAdmin):
    """For site staff; coordinators run meetings from the site's own pages."""

    list_display = ["title", "network", "starts_at", "kind", "format", "state"]
    list_filter = ["state", "kind", "format", "audience", "network"]
    search_fields = ["title", "network__name", "network__short_name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["venue_school", "workhub", "series", "created_by"]
    # A meeting's state changes only through the services (publish, cancel, discard):
    # set here, a cancelled draft would reach its audience and nobody would be told.
    readonly_fields = [
        "uid", "state", "cancel_reason", "sequence", "created_at", "updated_at", "published_at",
    ]  # fmt: skip
    inlines = [RegistrationInline, PaperInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a meeting is cancelled or its draft discarded, and people are told


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "network", "rule", "created_at"]
    list_filter = ["rule"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at"]
    raw_id_fields = ["person"]
    exclude = ["token"]

    def has_module_permission(self, request):
        return request.user.is_superuser
