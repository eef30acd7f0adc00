"""Placeholder: being written."""

from django.http import Http404


def report_upload(request, **kwargs):
    raise Http404


def report_scan(request, **kwargs):
    raise Http404


def report_original(request, **kwargs):
    raise Http404


def report_docx(request, **kwargs):
    raise Http404


def report_pdf(request, **kwargs):
    raise Http404
