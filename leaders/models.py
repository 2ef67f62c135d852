from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from members.models import Designation, Post

# The directory's pages (core.pagecache). Listings name it; what else the directory
# shows (names, posts, schools, areas, designations) is members', whose writes name no
# scope and so change the site's, which every kept page and part depends on.
DIRECTORY_SCOPE = "leaders"


class ListingQuerySet(models.QuerySet["Listing"]):
    def in_directory(self) -> Self:
        """Listings the directory shows: the person opted in and has a confirmed
        designation. Writing to a leader goes by the same rule."""
        confirmed = Designation.objects.confirmed().filter(person=models.OuterRef("person"))
        return self.filter(models.Exists(confirmed), person__is_active=True)

    def for_directory(self) -> Self:
        """Listings with what the directory shows: the person, their posts and schools,
        and their confirmed designations, in a fixed number of queries."""
        return self.select_related("person").prefetch_related(
            models.Prefetch(
                "person__posts",
                queryset=Post.objects.select_related("school__local_authority"),
            ),
            models.Prefetch(
                "person__designations",
                queryset=Designation.objects.confirmed(),
                to_attr="confirmed_designations",
            ),
        )


class Listing(models.Model):
    """A person's choice to be listed in the leaders directory, with their availability.

    The row is the opt-in: withdrawing deletes it, so the listing is gone at once.
    """

    class Availability(models.TextChoices):
        AVAILABLE = "available", "Available now"
        LIMITED = "limited", "Some availability"
        UNAVAILABLE = "unavailable", "Not available at the moment"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_listing"
    )
    availability = models.CharField(
        max_length=12, choices=Availability, default=Availability.AVAILABLE
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="For example: two days a week from January; primary and special schools.",
    )
    listed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]

    def __str__(self):
        return f"{self.person} ({self.get_availability_display()})"

    def page_scopes(self) -> list[str]:
        return [DIRECTORY_SCOPE]


class LeaderMessage(models.Model):
    """A message to a listed leader through the directory, stored as it is emailed.

    The leader's address is never shown: the email goes to them with the sender as
    Reply-To, and they answer from their own mail.
    """

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader_messages_sent",
    )
    sender_name = models.CharField(max_length=200)
    sender_email = models.EmailField()
    subject = models.CharField(max_length=200)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} ({self.sender_email} to {self.leader_id})"
