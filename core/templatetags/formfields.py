"""`{{ form|bootstrap_form }}`: what `{{ form|crispy }}` writes, cheaper (core.formfields)."""

from django import template

from core import formfields

register = template.Library()
register.filter("bootstrap_form", formfields.bootstrap_form)
