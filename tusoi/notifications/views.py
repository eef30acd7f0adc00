"""Placeholder: being written."""

from django.http import Http404


def inbox(request, **kwargs):
    raise Http404


def mark_read(request, **kwargs):
    raise Http404


def open_notification(request, **kwargs):
    raise Http404
