"""The admin site for networks.

Site staff (superusers) see everything. A network's administrators (staff
accounts with an active administrator membership) see and change only their
own networks' data; every queryset and permission below is scoped for them.
"""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core import audit, pagecache
from core.admin import (
    AuditHistoryMixin,
    CsvExportMixin,
    DateDrilldownGuardMixin,
    QuickListMixin,
)
from core.models import AuditEvent
from members.models import Post, School

from . import access, services
from .models import (
    MEMBERSHIPS_SCOPE,
    NETWORKS_SCOPE,
    NO_NAME,
    ContactMessage,
    Invitation,
    Membership,
    Network,
    NetworkPurpose,
    Workhub,
    WorkhubMembership,
)


def administered_network_ids(request) -> set[int]:
    return access.administered_network_ids(request.user)


class NetworkFilter(admin.SimpleListFilter):
    """ "By network", listing only the networks the user administers (all, for site staff)."""

    title = "network"
    parameter_name = "network"
    network_path = "network"  # how the rows reach their network

    def lookups(self, request, model_admin):
        ids = None if request.user.is_superuser else sorted(administered_network_ids(request))

        def choices():
            networks = Network.objects.order_by("name")
            if ids is not None:
                networks = networks.filter(pk__in=ids)
            return [(str(network.pk), network.name) for network in networks.only("name")]

        # Kept while no network is added, renamed or removed (NETWORKS_SCOPE), for the
        # networks the user administers now: a query on every page of a long list.
        key = f"admin:network-choices:{'all' if ids is None else ','.join(map(str, ids))}"
        return pagecache.kept(key, [NETWORKS_SCOPE], choices)

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdecimal():
            return queryset
        return queryset.filter(**{self.network_path: int(value)})


def network_filter(path: str) -> type[NetworkFilter]:
    """The network filter for an admin whose rows reach their network by `path`."""
    return type("NetworkFilter", (NetworkFilter,), {"network_path": path})


class ScopedInlineMixin:
    """An inline that a network's administrators use on their own network's page: its
    permissions follow the page's, not the model permissions they do not hold."""

    parent_network_path = "network"

    def _allowed(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        ids = administered_network_ids(request)
        if not (request.user.is_active and request.user.is_staff and ids):
            return False
        if obj is None:
            return True
        target = obj
        for part in self.parent_network_path.split("__"):
            target = getattr(target, part)
        return (target if isinstance(target, int) else target.pk) in ids

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class NetworkScopedAdmin(admin.ModelAdmin):
    """An admin whose rows belong to a network, reached by `network_path`."""

    network_path = "network"

    def _is_network_administrator(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and bool(administered_network_ids(request))
        )

    def _network_id_of(self, obj) -> int:
        target = obj
        for part in self.network_path.split("__"):
            target = getattr(target, part)
        return target if isinstance(target, int) else target.pk

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.network_path}__in": administered_network_ids(request)})

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_network_administrator(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not self._is_network_administrator(request):
            return False
        return obj is None or self._network_id_of(obj) in administered_network_ids(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return request.user.is_superuser or self._is_network_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            self._audit_change(request, before, obj, form)

    def _audit_change(self, request, before, obj, form) -> None:
        """Record an edit made on the change page, field by field, in words."""
        changes = audit.model_changes(before, obj, form.changed_data)
        if not changes:
            return
        audit.record(
            obj=obj,
            action="admin.changed",
            summary=f"Changed in the admin: {', '.join(changes)}",
            actor=request.user,
            subject=getattr(obj, "person", None),
            network_id=self._network_id_of(obj),
            changes=changes,
            object_repr=self.audit_repr(obj),
        )

    def audit_repr(self, obj) -> str:
        """How the history names the object, without naming any person."""
        return str(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "network" and not request.user.is_superuser:
            kwargs["queryset"] = Network.objects.filter(pk__in=administered_network_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


class PurposeInline(ScopedInlineMixin, admin.TabularInline):
    model = NetworkPurpose
    parent_network_path = "pk"
    extra = 1


@admin.register(Network)
class NetworkAdmin(AuditHistoryMixin, NetworkScopedAdmin):
    network_path = "pk"
    form = NetworkAdminForm
    list_display = ["name", "short_name", "kind", "join_policy", "basis", "parent"]
    list_filter = ["kind", "join_policy", "basis", "areas"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    inlines = [PurposeInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=administered_network_ids(request))

    def has_add_permission(self, request):
        return request.user.is_superuser  # new networks are set up by site staff

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # Who a network reaches is site staff's to set: with "automatic", "open to all" or a
    # wider area, the daily reconcile would enrol people by the thousand.
    STAFF_ONLY_FIELDS = ["slug", "parent", "areas", "open_to_all"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))  # the history, on a change
        if request.user.is_superuser:
            return fields
        fields += self.STAFF_ONLY_FIELDS
        if obj is not None and obj.join_policy == Network.JoinPolicy.AUTOMATIC:
            fields.append("join_policy")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        policy = form.base_fields.get("join_policy")
        if policy is not None and not request.user.is_superuser:
            # Offered, and accepted from a crafted POST, only without "automatic".
            policy.choices = [
                choice for choice in policy.choices if choice[0] != Network.JoinPolicy.AUTOMATIC
            ]
        return form

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}


def _date(value) -> str:
    return value.date().isoformat() if value else ""


def _person(row, part: str) -> str:
    if row["person_id"] is None:
        return "Former member" if part == "last_name" else ""
    return row[f"person__{part}"]


NOT_SHARED = "Not shared"


def _shared_email(row) -> str:
    """The address, only if the person chose to show it to members of their networks."""
    if row["person_id"] is None:
        return ""
    return row["person__email"] if row["person__show_email_to_members"] else NOT_SHARED


@admin.register(Membership)
class MembershipAdmin(QuickListMixin, CsvExportMixin, AuditHistoryMixin, NetworkScopedAdmin):
    list_display = ["person", "network", "school", "status", "role", "requested_at"]
    list_filter = ["status", "role", network_filter("network")]
    search_fields = ["person__email", "person__last_name", "network__name", "school__name"]
    list_select_related = ["person", "network", "school"]
    list_per_page = 50
    actions = [
        "approve", "decline", "make_coordinator", "make_administrator", "make_member",
        "end_memberships",
    ]  # fmt: skip
    readonly_fields = ["requested_at", "started_at", "ended_at", "decided_by", "decided_at"]
    csv_filename = "members.csv"
    csv_fields = [
        "network__short_name", "network__name", "person_id", "person__first_name",
        "person__last_name", "person__email", "person__show_email_to_members", "school__name",
        "school__urn", "status", "role", "requested_at", "started_at", "ended_at",
    ]  # fmt: skip
    csv_columns = [
        ("Network", lambda row: row["network__short_name"] or row["network__name"]),
        ("First name", lambda row: _person(row, "first_name")),
        ("Last name", lambda row: _person(row, "last_name")),
        ("Email", lambda row: _person(row, "email")),
        ("School", lambda row: row["school__name"] or ""),
        ("URN", lambda row: row["school__urn"] or ""),
        ("Status", lambda row: Membership.Status(row["status"]).label),
        ("Role", lambda row: Membership.Role(row["role"]).label),
        ("Requested", lambda row: _date(row["requested_at"])),
        ("Started", lambda row: _date(row["started_at"])),
        ("Ended", lambda row: _date(row["ended_at"])),
    ]

    # The list's filters that narrow by the memberships' own fields (and the page and
    # order, which do not change the count).
    COUNT_KEPT_FOR = {"status__exact", "role__exact", "network", "p", "o"}

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        if set(request.GET) <= self.COUNT_KEPT_FOR:
            # Counted once while no membership changes anywhere (every membership write
            # replaces MEMBERSHIPS_SCOPE): a count of a large network's was a query a page.
            # Keyed by whose list it is, as the rows are scoped to the user's networks.
            whose = (
                "all" if request.user.is_superuser else sorted(administered_network_ids(request))
            )
            filters = sorted(
                (name, values) for name, values in request.GET.lists() if name not in {"p", "o"}
            )
            described = f"{whose}:{filters}".encode()
            key = f"admin:memberships:count:{hashlib.sha256(described).hexdigest()}"
            paginator.count = pagecache.kept(key, [MEMBERSHIPS_SCOPE], queryset.count)
        return paginator

    def changelist_view(self, request, extra_context=None):
        # Without the sidebar of every app (the header links to the index): a long list
        # paged through many times, it cost the page two queries and a tenth of its time.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    def get_csv_columns(self, request):
        # A network's administrators get an address only where its owner chose to share
        # it (access.sees_every_address): the same rule as the member list.
        if access.sees_every_address(request.user):
            return self.csv_columns
        return [
            (header, _shared_email if header == "Email" else column)
            for header, column in self.csv_columns
        ]

    def get_list_display(self, request):
        columns = list(self.list_display)
        if not access.sees_every_address(request.user):
            # A person's str() is their address when they gave no name.
            columns = ["member" if column == "person" else column for column in columns]
        # Filtered to one network (how its administrators use the list), a column
        # repeating its name on every row is left out.
        if NetworkFilter.parameter_name in request.GET:
            return [column for column in columns if column != "network"]
        return columns

    def get_exclude(self, request, obj=None):
        # The membership's own page, read-only: the person as "member" (below) for a
        # network's administrators, never their unshared address.
        return [] if access.sees_every_address(request.user) else ["person"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if access.sees_every_address(request.user) else ["member", *fields]

    @admin.display(description="person", ordering="person__last_name")
    def member(self, obj) -> str:
        """The person as a network's administrators see them: their name, or the address
        they chose to share, or neither."""
        person = obj.person
        if person is None:
            return "Former member"
        if person.get_full_name():
            return person.get_full_name()
        return person.email if person.show_email_to_members else NO_NAME

    def audit_repr(self, obj) -> str:
        where = f" ({obj.school.name})" if obj.school_id else ""
        return f"Membership of {obj.network.label}{where}"

    # A membership's state changes only through the services (docs/architecture.md,
    # "Services: the only door for a change of state"): its page shows it read-only,
    # for site staff too, and the actions below call the services. It begins by
    # joining, invitation, enrolment or a seat, and ends (staying as a record) by
    # end_membership: it is never added or deleted here.
    def has_change_permission(self, request, obj=None):
        # The list's actions ask with no object; a membership's own page is for reading.
        return obj is None and super().has_change_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve the selected requests (the people are emailed)")
    def approve(self, request, queryset):
        self._decide(request, queryset, services.approve_membership, "approved")

    @admin.action(description="Decline the selected requests (the people are emailed)")
    def decline(self, request, queryset):
        self._decide(request, queryset, services.decline_membership, "declined")

    def _decide(self, request, queryset, decide, verb):
        selected = list(queryset)
        done = 0
        for membership in selected:
            if not membership.is_pending:
                continue
            try:
                decide(membership=membership, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                done += 1
        skipped = len(selected) - done
        note = f" ({skipped} not pending, left as they were)" if skipped else ""
        self.message_user(request, f"{done} request(s) {verb}{note}.", messages.SUCCESS)

    @admin.action(description="End the selected memberships (the people are emailed)")
    def end_memberships(self, request, queryset):
        # Active memberships only: a request is declined, and an ended one stays ended.
        chosen = list(queryset.filter(status=Membership.Status.ACTIVE))
        for membership in chosen:
            services.remove_member(membership=membership, by=request.user)
        skipped = queryset.count() - len(chosen)
        note = f" ({skipped} not active, left as they were)" if skipped else ""
        self.message_user(request, f"{len(chosen)} membership(s) ended{note}.", messages.SUCCESS)

    @admin.action(description="Make the selected members coordinators")
    def make_coordinator(self, request, queryset):
        self._set_role(request, queryset, Membership.Role.COORDINATOR)

    @admin.action(description="Make the selected members administrators")
    def make_administrator(self, request, queryset):
        self._set_role(request, queryset, Membership.Role.ADMINISTRATOR)

    @admin.action(description="Make the selected people ordinary members")
    def make_member(self, request, queryset):
        self._set_role(request, queryset, Membership.Role.MEMBER)

    def _set_role(self, request, queryset, role):
        # Only active memberships take a role; requests and former members are left alone.
        chosen = list(queryset.filter(status=Membership.Status.ACTIVE))
        for membership in chosen:
            services.set_role(membership=membership, role=role, by=request.user)
        label = Membership.Role(role).label.lower()
        skipped = queryset.count() - len(chosen)
        note = f" ({skipped} not active, left as they were)" if skipped else ""
        self.message_user(request, f"{len(chosen)} active member(s) are now {label}s{note}.")


# The same words whether the address is unknown or a stranger's: they tell nothing.
NOT_A_MEMBER = "Nobody with that address is a member of this network."


class WorkhubPlaceForm(forms.ModelForm):
    """A place in a workhub. A new one names the person by their address, found among
    the network's active members only: an id lookup printed the name of any account
    whose number was posted (issue 19, finding 7)."""

    email = forms.EmailField(
        label="New member's email address",
        required=False,
        help_text="A member of the network, for a new row.",
    )

    class Meta:
        model = WorkhubMembership
        fields = ["is_lead"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = self.instance.person if self.instance.pk else None
        if self.instance.pk:
            self.fields["email"].disabled = True  # an existing place's person is fixed

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or not self.has_changed():
            return cleaned
        email = cleaned.get("email")
        if not email:
            self.add_error("email", "Enter the email address of a member of the network.")
            return cleaned
        membership = (
            Membership.objects.active()
            .filter(network__workhubs=self.instance.workhub_id, person__email__iexact=email)
            .select_related("person")
            .first()
        )
        if membership is None:
            self.add_error("email", NOT_A_MEMBER)
        else:
            self.person = membership.person
        return cleaned


class WorkhubMembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = WorkhubMembership
    form = WorkhubPlaceForm
    parent_network_path = "network_id"
    fields = ["person", "email", "is_lead"]
    readonly_fields = ["person"]
    extra = 1


@admin.register(Workhub)
class WorkhubAdmin(NetworkScopedAdmin):
    list_display = ["name", "network", "academic_year"]
    list_filter = [network_filter("network"), "academic_year"]
    search_fields = ["name", "priority_area"]
    inlines = [WorkhubMembershipInline]

    def get_inlines(self, request, obj):
        # People are placed once the workhub exists: the form finds them in its network.
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        """Places in the workhub change through the services, never by the formset."""
        if formset.model is not WorkhubMembership:
            return super().save_formset(request, form, formset, change)
        workhub = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for place_form in formset.deleted_forms:
            if place_form.instance.pk:
                services.remove_from_workhub(person=place_form.person, workhub=workhub)
                formset.deleted_objects.append(place_form.instance)
        for place_form in formset.forms:
            if place_form in formset.deleted_forms or not place_form.has_changed():
                continue
            place = services.place_in_workhub(
                person=place_form.person,
                workhub=workhub,
                is_lead=place_form.cleaned_data.get("is_lead", False),
            )
            if place_form.instance.pk:
                formset.changed_objects.append((place, ["is_lead"]))
            else:
                formset.new_objects.append(place)
        return None


@admin.register(Invitation)
class InvitationAdmin(NetworkScopedAdmin):
    list_display = ["email", "network", "created_at", "sent_at", "accepted_at"]
    list_filter = [network_filter("network")]
    search_fields = ["email"]
    # Invitations are made, sent and withdrawn by the services (the network's requests
    # page and its office): here they are read, and withdrawn by deleting.
    readonly_fields = [
        "email", "network", "invited_by", "name", "school", "role", "confirm_post", "batch",
        "sent_at", "reminded_at", "accepted_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # invitations are sent from the network's requests page, which emails them

    def has_delete_permission(self, request, obj=None):
        # Deleting withdraws an open invitation; an accepted one is a record.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.accepted_at is None)

    def delete_model(self, request, obj):
        services.withdraw_invitation(invitation=obj)

    def delete_queryset(self, request, queryset):
        for invitation in queryset:
            services.withdraw_invitation(invitation=invitation)


@admin.register(ContactMessage)
class ContactMessageAdmin(NetworkScopedAdmin):
    list_display = ["subject", "network", "sender_name", "created_at", "sent_at"]
    list_filter = [network_filter("network"), "sent_at"]
    search_fields = ["subject", "sender_email", "sender_name"]
    readonly_fields = ["created_at", "sent_at", "send_attempts", "sender"]

    def has_add_permission(self, request):
        return False  # messages arrive through the contact form


@admin.register(AuditEvent)
class AuditEventAdmin(DateDrilldownGuardMixin, NetworkScopedAdmin):
    """The audit trail: read by site staff and (their networks' part) administrators; never
    added to, changed or deleted here."""

    network_path = "network_id"
    list_display = ["created_at", "actor_label", "summary", "object_repr", "subject_label"]
    list_filter = [network_filter("network_id"), "action"]
    search_fields = ["summary", "object_repr"]
    date_hierarchy = "created_at"
    fields = [
        "created_at", "actor_label", "action", "summary", "object_repr", "subject_label",
        "change_lines",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="who")
    def actor_label(self, event):
        return event.actor_label

    @admin.display(description="about")
    def subject_label(self, event):
        return event.subject_label

    @admin.display(description="changes")
    def change_lines(self, event):
        return "; ".join(event.change_lines)
