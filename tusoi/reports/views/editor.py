"""Placeholder: being written."""

from django.http import Http404


def mine(request, **kwargs):
    raise Http404


def mine_open(request, **kwargs):
    raise Http404


def report(request, **kwargs):
    raise Http404


def report_save_view(request, **kwargs):
    raise Http404


def report_submit_view(request, **kwargs):
    raise Http404


def revisions(request, **kwargs):
    raise Http404


def revision(request, **kwargs):
    raise Http404


def revision_restore(request, **kwargs):
    raise Http404
