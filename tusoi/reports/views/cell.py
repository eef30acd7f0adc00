"""Placeholder: being written."""

from django.http import Http404


def report_return_view(request, **kwargs):
    raise Http404


def report_accept_view(request, **kwargs):
    raise Http404


def report_confirm_view(request, **kwargs):
    raise Http404


def cell_reports(request, **kwargs):
    raise Http404


def cell_remind(request, **kwargs):
    raise Http404


def proxy_open(request, **kwargs):
    raise Http404


def commitments_mine(request, **kwargs):
    raise Http404


def commitment_progress(request, **kwargs):
    raise Http404


def cell_commitments(request, **kwargs):
    raise Http404
