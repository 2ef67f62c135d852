"""Only the support roles and the schemes are in the admin: a network's administrators
(and site staff) name its brokers and coaches there. Offers, requests, pairings and
coaching requests are deliberately absent: nobody reads them here, staff included.

A coach or broker row is written only by the services (support.coaching.add_coach,
remove_coach; support.mentoring.add_broker, remove_broker): they refuse the person adding
themselves, record who added whom and tell the pool. The forms here name the person by
their email address, never by an id: a lookup widget printed the name of any account
whose number was posted (security test finding 7)."""

from django import forms
from django.contrib import admin, messages

from networks.access import administered_network_ids
from networks.admin import NetworkScopedAdmin

from . import access, coaching, mentoring
from .models import Broker, Coach, MentoringScheme

# The same words whether the address is unknown or someone else's: they tell nothing.
NOBODY = (
    "Nobody you may name has that address (for staff: no open account; for a network's "
    "administrators: no member of the networks they administer)."
)


class NameSomeoneForm(forms.ModelForm):
    """Adds a person to a support role by their address; the admin sets `by` and `why_not`."""

    email = forms.EmailField(
        label="Their email address",
        help_text="The address they sign in with. Nobody adds themselves.",
    )
    by = None
    place_field = ""

    def why_not(self, place, person) -> str:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        place, email = cleaned.get(self.place_field), cleaned.get("email")
        if place is None or not email:
            return cleaned
        self.person = access.people_who_may_be_named_by(self.by).filter(email__iexact=email).first()
        reason = NOBODY if self.person is None else self.why_not(place, self.person)
        if reason:
            self.add_error("email", reason)
        return cleaned


class AddCoachForm(NameSomeoneForm):
    place_field = "network"

    class Meta:
        model = Coach
        fields = ["network"]

    def why_not(self, place, person) -> str:
        return coaching.why_cannot_add_coach(network=place, person=person, by=self.by)


class AddBrokerForm(NameSomeoneForm):
    place_field = "scheme"

    class Meta:
        model = Broker
        fields = ["scheme"]

    def why_not(self, place, person) -> str:
        return mentoring.why_cannot_add_broker(scheme=place, person=person, by=self.by)


class SupportRoleAdmin(NetworkScopedAdmin):
    """A support role's rows: added on the add page and removed by deleting, both through
    the services; never changed (a row's person or place is not edited into someone else)."""

    add_form: type[NameSomeoneForm]
    shown = ["person", "added_by", "added_at"]

    def get_fields(self, request, obj=None):
        place = self.add_form.place_field
        return [place, "email"] if obj is None else [place, *self.shown]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"by": request.user})
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        added = self.add(place=getattr(obj, form.place_field), person=form.person, by=request.user)
        # The admin goes on to log and show the row the service made.
        obj.pk, obj.person, obj.added_by, obj.added_at = (
            added.pk, added.person, added.added_by, added.added_at,
        )  # fmt: skip

    def delete_model(self, request, obj):
        self.remove(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.remove(obj, by=request.user)


@admin.register(Coach)
class CoachAdmin(SupportRoleAdmin):
    """A network's coach pool: sees its coaching requests and nothing else."""

    add_form = AddCoachForm
    list_display = ["person", "network", "added_by", "added_at"]
    list_select_related = ["person", "network", "added_by"]

    def add(self, *, place, person, by):
        return coaching.add_coach(network=place, person=person, by=by)

    def remove(self, obj, *, by):
        coaching.remove_coach(coach=obj, by=by)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.message_user(
            request, "Any requests they held are waiting for the pool again.", messages.INFO
        )


@admin.register(Broker)
class BrokerAdmin(SupportRoleAdmin):
    """A scheme's brokers: they read its requests, pairings and check-ins, nothing else."""

    add_form = AddBrokerForm
    network_path = "scheme__network"
    list_display = ["person", "scheme", "added_by", "added_at"]
    list_select_related = ["person", "scheme", "added_by"]

    def _network_id_of(self, obj):
        # A local authority's scheme has no network: it is site staff's only.
        return obj.scheme.network_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scheme" and not request.user.is_superuser:
            kwargs["queryset"] = MentoringScheme.objects.filter(
                network__in=administered_network_ids(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add(self, *, place, person, by):
        return mentoring.add_broker(scheme=place, person=person, by=by)

    def remove(self, obj, *, by):
        mentoring.remove_broker(broker=obj, by=by)


class BrokerInline(admin.TabularInline):
    """The scheme's brokers, to read: they are added and removed on the Brokers pages."""

    model = Broker
    extra = 0
    can_delete = False
    fields = readonly_fields = ["person", "added_by", "added_at"]

    def has_view_permission(self, request, obj=None):
        return True  # shown only on a scheme's page, which the user may see

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
