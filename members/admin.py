from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import AuditHistoryMixin, DateDrilldownGuardMixin

from .models import Designation, LocalAuthority, Post, PostDecision, School, User

# A post's verification, and whether a school's seats pass to it, change only through a
# decision (the claim page), which records who decided and moves seats: never by editing
# the fields here.
VERIFICATION_FIELDS = ["verification", "verified_how", "decided_at", "seat_question"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "town", "local_authority", "phase", "sector", "status"]
    list_filter = ["status", "sector", "phase", "local_authority"]
    search_fields = ["=urn", "name", "town", "postcode"]
    list_select_related = ["local_authority"]
    # Set by the register's links only (members.conversions), never by hand.
    readonly_fields = ["successor", "succeeded_on", "latest_successor", "updated_at"]
    # The register's head name is for verifying claims; the import keeps it current.
    exclude = ["head_title", "head_first_name", "head_last_name"]


class PostInline(admin.TabularInline):
    model = Post
    autocomplete_fields = ["school"]
    readonly_fields = VERIFICATION_FIELDS
    extra = 0


class DesignationInline(admin.TabularInline):
    model = Designation
    fk_name = "person"
    fields = ["kind", "since", "evidence", "state", "decided_by", "decided_at"]
    readonly_fields = ["decided_by", "decided_at"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [PostInline, DesignationInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["title", "first_name", "last_name", "show_email_to_members"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class PostDecisionInline(admin.TabularInline):
    model = PostDecision
    fields = ["outcome", "how", "evidence_provider", "evidence_detail", "decided_by", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(DateDrilldownGuardMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["person", "role", "school", "started_on", "ended_on", "verification", "claim"]
    list_filter = ["verification", "role"]
    search_fields = ["person__email", "person__last_name", "school__name", "=school__urn"]
    autocomplete_fields = ["person", "school"]
    list_select_related = ["person", "school"]
    date_hierarchy = "started_on"
    readonly_fields = VERIFICATION_FIELDS
    inlines = [PostDecisionInline]
    # Once recorded, who holds which post where, and when it ends, changes only through
    # the services, which move school seats and memberships with it.
    FIXED_ONCE_RECORDED = ["person", "school", "role", "started_on", "ended_on"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *self.FIXED_ONCE_RECORDED] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False  # a post ends (or a claim is rejected); its history stays

    @admin.display(description="Decide")
    def claim(self, post):
        if post.is_claim:
            words = "Confirm or reject"
        elif post.awaits_seat_decision:
            words = "Pass the school's seats, or keep them"
        elif post.is_revocable:
            words = "Confirmed automatically: check or revoke"
        else:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("portal:claim", args=[post.pk]), words)


# The providers are configured from the environment only (config/settings.py), tokens are
# not kept, and a person's connected accounts are theirs to manage from their profile:
# none of allauth's social account models is edited in the admin.
for model in (SocialApp, SocialAccount, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
