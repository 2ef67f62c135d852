from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from core.email import queue_message


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its emails sent through the task queue."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        queue_message(message)
