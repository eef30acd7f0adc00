"""The daily deadline reminders (issue 4: "deadline coming"; never more than one reminder a day
per person). Run each morning by `tusoi.reports.tasks.deadline_reminders`.

Who is reminded: for every open campaign whose report due date is 7, 3 or 1 days away or today,
every member in its scope (DOMAIN.md: current cell in the campaign's subtree, not exempt, not
temporarily transferred out, not left or merged) who has an active account and no counted report
(submitted or later; a returned report does not count). Efficient at national scale: one query
per campaign streams the members, their accounts are read 2,000 at a time and each batch of
notifications is one insert, the database's one-reminder-a-day constraint skipping anyone
already reminded today (by their secretary, or by an earlier run)."""

import datetime
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import NotificationKind
from tusoi.notifications.services import reminders_create_many
from tusoi.orgs.tree import successor
from tusoi.reports.models import COUNTED_Q, SelfReview
from tusoi.reports.selectors.reviews import EXCLUDED_STATUSES

# Days before the due date on which members are reminded (0: the due date itself).
REMINDER_DAYS = (7, 3, 1, 0)
CHUNK = 2000


def campaigns_due_for_reminders(today: datetime.date) -> QuerySet[Campaign]:
    """Open campaigns whose report due date (the end of the period when none is set) is one of
    REMINDER_DAYS away."""
    days = [today + datetime.timedelta(days=n) for n in REMINDER_DAYS]
    return (
        Campaign.objects.filter(status=CampaignStatus.OPEN)
        .annotate(due=Coalesce("report_due_on", "ends_on"))
        .filter(due__in=days)
        .select_related("organization")
        .order_by("due", "pk")
    )


def members_to_remind(campaign: Campaign) -> QuerySet[Member]:
    """Members in the campaign's scope with an active account and no counted report."""
    from tusoi.accounts.models import User

    path = campaign.organization.path
    counted = SelfReview.objects.filter(COUNTED_Q, campaign=campaign, member=OuterRef("pk"))
    account = User.objects.filter(member=OuterRef("pk"), is_active=True)
    return (
        Member.objects.filter(
            cell__path__gte=path, cell__path__lt=successor(path), merged_into__isnull=True
        )
        .exclude(status__in=(*EXCLUDED_STATUSES, MemberStatus.LEFT))
        .filter(Exists(account))
        .filter(~Exists(counted))
    )


def _chunks(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    while chunk := list(itertools.islice(ids, size)):
        yield chunk


def _message(campaign: Campaign, days_left: int) -> tuple[str, str]:
    if days_left <= 0:
        title = _("Your self-review report for “%(campaign)s” is due today") % {
            "campaign": campaign.title
        }
    else:
        title = ngettext(
            "Your self-review report for “%(campaign)s” is due in %(days)d day",
            "Your self-review report for “%(campaign)s” is due in %(days)d days",
            days_left,
        ) % {"campaign": campaign.title, "days": days_left}
    body = _("Please write and submit your report by %(day)s.") % {
        "day": campaign.due_on.strftime("%d/%m/%Y")
    }
    return title, body


def deadline_reminders_send(today: datetime.date | None = None) -> int:
    """Remind everyone who still owes a report to a campaign due soon; returns how many were
    notified (a second run on the same day notifies nobody again)."""
    from tusoi.accounts.models import User

    today = today or timezone.localdate()
    url = reverse("reports:mine")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for campaign in campaigns_due_for_reminders(today):
            title, body = _message(campaign, (campaign.due_on - today).days)
            member_ids = members_to_remind(campaign).values_list("pk", flat=True)
            for chunk in _chunks(iter(member_ids.iterator(chunk_size=CHUNK)), CHUNK):
                accounts = User.objects.filter(member_id__in=chunk, is_active=True).values_list(
                    "pk", "email", "member__email"
                )
                recipients = [
                    (pk, email or member_email or "") for pk, email, member_email in accounts
                ]
                with transaction.atomic():
                    sent += len(
                        reminders_create_many(
                            recipients=recipients,
                            kind=NotificationKind.DEADLINE,
                            title=title,
                            body=body,
                            url=url,
                            day=today,
                        )
                    )
    return sent
