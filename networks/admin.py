from django import forms
from django.contrib import admin

from members.models import Post, School

from .models import (
    ContactMessage,
    Invitation,
    Membership,
    Network,
    NetworkPurpose,
    Workhub,
    WorkhubMembership,
)


class NetworkAdminForm(forms.ModelForm):
    """Eligibility lists as checkboxes rather than raw JSON."""

    eligible_sectors = forms.MultipleChoiceField(
        choices=School.Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any sector.",
    )
    eligible_roles = forms.MultipleChoiceField(
        choices=Post.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any post.",
    )


class PurposeInline(admin.TabularInline):
    model = NetworkPurpose
    extra = 1


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    form = NetworkAdminForm
    list_display = ["name", "short_name", "kind", "join_policy", "basis", "parent"]
    list_filter = ["kind", "join_policy", "basis", "areas"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    inlines = [PurposeInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "network", "school", "status", "role", "requested_at"]
    list_filter = ["status", "role", "network"]
    search_fields = ["person__email", "person__last_name", "network__name", "school__name"]
    autocomplete_fields = ["person", "school"]
    raw_id_fields = ["decided_by"]
    list_select_related = ["person", "network", "school"]


class WorkhubMembershipInline(admin.TabularInline):
    model = WorkhubMembership
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Workhub)
class WorkhubAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "academic_year"]
    list_filter = ["network", "academic_year"]
    search_fields = ["name", "priority_area"]
    inlines = [WorkhubMembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "network", "created_at", "accepted_at"]
    list_filter = ["network"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "network", "sender_name", "created_at", "sent_at"]
    list_filter = ["network", "sent_at"]
    search_fields = ["subject", "sender_email", "sender_name"]
    readonly_fields = ["created_at", "sent_at", "send_attempts"]
    raw_id_fields = ["sender"]
