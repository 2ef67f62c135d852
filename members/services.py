"""People's workflows at this floor: recording posts. Their effects on networks are the
top floor's to trigger (portal.services)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Post, School, User


@transaction.atomic
def record_post(
    *,
    person: User,
    school: School,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> tuple[Post, bool]:
    """Record a post; idempotent. Returns the post and whether it is new."""
    same = {"person": person, "school": school, "role": role, "started_on": started_on}
    existing = Post.objects.filter(**same).first()
    if existing:
        return existing, False  # submitted twice: the post is already recorded
    post = Post(**same, ended_on=ended_on)
    post.full_clean()
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        return Post.objects.get(**same), False  # the other submission won the race
    return post, True


@transaction.atomic
def record_post_end(*, post: Post, ended_on: datetime.date) -> Post:
    """Mark a post as ended."""
    if post.ended_on is not None:
        raise ValidationError("This post has already ended.")
    post.ended_on = ended_on
    post.full_clean()
    post.save(update_fields=["ended_on"])
    return post
