"""Writing to Headnet's staff: the site's own contact page, for help with an account.

The pieces are the coordinators' form's (networks.contact and networks.forms): the
same form, the same sending limit, Reply-To so staff answer from their own mail,
and staff's addresses never shown. There is no network to store the message
against, so the email itself is the stored copy: it is kept until sent and the
queue keeps trying for a day (core.email).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from networks.contact import sender_is_limited, staff_route
from networks.forms import ContactForm

from . import services


def site_contact(request: HttpRequest) -> HttpResponse:
    """Ask Headnet's staff for help (a confirmation email that never came, a lost
    password): anyone may write, signed in or not."""
    route = staff_route()
    if not route.reaches_someone:
        return render(request, "portal/contact.html", {"route": route})
    form = ContactForm(request.POST or None, user=request.user)
    if "email" in form.fields:
        form.fields["email"].help_text = "Headnet's staff reply here."
    context = {"form": form, "route": route}
    if form.is_valid():
        sender_name, sender_email = form.sender(request.user)
        if sender_is_limited(request, sender_email):
            messages.error(
                request,
                "You have sent several messages in the last hour. Please wait a while before "
                "sending another; your earlier messages have gone to Headnet's staff.",
            )
            return render(request, "portal/contact.html", context, status=429)
        if not form.is_spam:
            services.write_to_staff(
                recipients=route.recipients,
                sender_name=sender_name,
                sender_email=sender_email,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        # A bot sees the same thanks as a person, so it learns nothing.
        messages.success(
            request, "Your message has been sent to Headnet's staff. They will reply by email."
        )
        return redirect("home")
    return render(request, "portal/contact.html", context)
