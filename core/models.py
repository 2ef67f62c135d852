from django.db import models


class OutgoingEmail(models.Model):
    """An email waiting to be sent.

    The send task carries only this row's id, so the task queue never holds a
    message (sign-in codes, reset links); the row is deleted once the email is sent.
    """

    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    from_email = models.CharField(max_length=320)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.subject} to {', '.join(self.to)}"
