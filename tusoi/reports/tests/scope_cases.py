from tusoi.orgs.permissions import Role
from tusoi.reports.models import Audience, ReportTemplate
from tusoi.reports.services import campaign_templates_create_defaults
from tusoi.testing.scope import ScopeCase

from .conftest import make_campaign


def _branch_a_template(t) -> ReportTemplate:
    """A campaign of branch A with its default templates; the ordinary-member one."""
    campaign = make_campaign(t.branch_a, title="Đợt sinh hoạt của phường An Bình")
    campaign_templates_create_defaults(actor=None, campaign=campaign)
    return ReportTemplate.objects.get(campaign=campaign, audience=Audience.MEMBER)


PUBLIC = {
    "reports:reference_lists": "national reference texts, the same for everyone",
    # Editing is tested in test_views.py: only a top organisation's committee may paste.
    "reports:reference_list": "national reference texts, the same for everyone",
}
CASES = [
    ScopeCase(
        "reports:templates_defaults",
        kwargs=lambda t: {"campaign_pk": make_campaign(t.branch_a, title="Đợt mới").pk},
        role=Role.COMMITTEE,
        method="post",
        ok_status=302,
    ),
    ScopeCase(
        "reports:templates",
        kwargs=lambda t: {"campaign_pk": _branch_a_template(t).campaign_id},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "reports:templates",
        kwargs=lambda t: {"campaign_pk": _branch_a_template(t).campaign_id},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        label="secretary",
    ),
    ScopeCase(
        "reports:template", kwargs=lambda t: {"pk": _branch_a_template(t).pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "reports:template_print",
        kwargs=lambda t: {"pk": _branch_a_template(t).pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
    ),
    ScopeCase(
        "reports:template_derive",
        kwargs=lambda t: {"pk": _branch_a_template(t).pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"org": t.cell_a.pk},
        ok_status=302,
    ),
    ScopeCase(
        "reports:section_edit",
        kwargs=lambda t: {"pk": _branch_a_template(t).pk, "key": "uu-diem"},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "reports:section_edit",
        kwargs=lambda t: {"pk": _branch_a_template(t).pk, "key": "uu-diem"},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {
            "heading": "Ưu điểm",
            "guidance": "",
            "required": "on",
            "min_chars": 0,
            "max_chars": 5000,
        },
        ok_status=302,
        label="save",
    ),
]
