"""Reads of the reports app: reference lists and templates (templates.py), self-review reports
and commitments (reviews.py). Pages start from the `*_visible_to(user)` functions."""

from tusoi.reports.selectors.templates import (
    LIFE_AUDIENCE,
    audience_for,
    campaign_templates,
    campaigns_with_templates_visible_to,
    checklist_items,
    reference_items,
    reference_lists_with_counts,
    template_chain,
    template_effective_sections,
    template_for,
    templates_editable_by,
    templates_visible_to,
)

__all__ = [
    "LIFE_AUDIENCE",
    "audience_for",
    "campaign_templates",
    "campaigns_with_templates_visible_to",
    "checklist_items",
    "reference_items",
    "reference_lists_with_counts",
    "template_chain",
    "template_effective_sections",
    "template_for",
    "templates_editable_by",
    "templates_visible_to",
]
