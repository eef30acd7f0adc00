"""Read helpers shared by the monitoring pages, exports, progress reports and tallies.

Monitoring reads the other apps through their models' querysets and selectors and never writes
their rows. Other helpers may append functions here; keep existing ones unchanged.
"""

from django.db.models import Q

from tusoi.campaigns.models import Campaign
from tusoi.members.models import MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.tree import successor


def in_scope_q(member: str = "") -> Q:
    """Members in scope (DOMAIN.md): present records whose status is active — exempt,
    temporarily transferred out and departed members are out; a member transferred in is active
    in the cell they attend and counts there. `member` is the relation prefix, e.g. "member__"."""
    return Q(**{f"{member}merged_into__isnull": True, f"{member}status": MemberStatus.ACTIVE})


def campaign_bounds(campaign: Campaign, org: Organization) -> tuple[str, str] | None:
    """The tree path range [lo, hi) where the campaign's subtree and `org`'s subtree overlap,
    or None when they do not (then every figure is zero)."""
    root = campaign.organization.path
    if org.path.startswith(root):
        return org.path, successor(org.path)
    if root.startswith(org.path):
        return root, successor(root)
    return None


def path_range_q(lo: str, hi: str, field: str = "path") -> Q:
    """Organisations (or rows through `field`, e.g. "cell__path") in the path range [lo, hi)."""
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
