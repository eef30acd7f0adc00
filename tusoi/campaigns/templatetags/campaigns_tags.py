from typing import Any

from django import template

from tusoi.campaigns.selectors import campaigns_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def org_campaigns(context: dict[str, Any], org: Any) -> list:
    """Campaigns issued by `org` that the current user may see."""
    user = context["request"].user
    return list(campaigns_visible_to(user).filter(organization=org).order_by("-starts_on", "-id"))
