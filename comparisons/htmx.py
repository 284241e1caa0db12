"""The request type of every view: Django's request plus django-htmx's `request.htmx`
(set by django_htmx.middleware.HtmxMiddleware), so type checkers know it is there."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
