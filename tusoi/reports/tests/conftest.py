import datetime

import pytest

from tusoi.campaigns.models import Campaign


def make_campaign(org, title="Giữ trọn lời thề đảng viên"):
    return Campaign.objects.create(
        organization=org,
        title=title,
        theme="Tự soi, tự sửa",
        starts_on=datetime.date(2024, 3, 25),
        ends_on=datetime.date(2024, 11, 30),
        status="open",
    )


@pytest.fixture
def campaign(tree):
    return make_campaign(tree.province)


def make_open_campaign(org, title="Giữ trọn lời thề đảng viên", *, days_left=30):
    """An open campaign whose period runs around today, with the default templates."""
    from django.utils import timezone

    from tusoi.reports.services import campaign_templates_create_defaults

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organization=org,
        title=title,
        theme="Tự soi, tự sửa",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=days_left),
        status="open",
    )
    campaign_templates_create_defaults(actor=None, campaign=campaign)
    return campaign


@pytest.fixture
def open_campaign(tree):
    return make_open_campaign(tree.province)


def filled_content(report):
    """Content that satisfies every required part of the report's template."""
    from tusoi.reports.selectors import checklist_items, template_effective_sections

    sections = template_effective_sections(report.template)
    items = checklist_items(sections)
    content = {"sections": {}, "checklist": {}, "commitments": []}
    for s in sections:
        if s.kind == "text":
            content["sections"][s.key] = ("Tôi đã tự soi, tự sửa trong công việc hằng ngày. " * 8)[
                : max(s.min_chars + 50, 120)
            ]
        elif s.kind == "checklist":
            content["checklist"][s.key] = {
                i.code: {"answer": "no", "note": ""} for i in items.get(s.reference_list_id, [])
            }
    content["commitments"] = [
        {
            "key": "c1",
            "what": "Đọc và làm theo Điều lệ Đảng",
            "due_on": "2026-12-31",
            "measure": "Chi bộ nhận xét cuối năm",
        }
    ]
    return content
