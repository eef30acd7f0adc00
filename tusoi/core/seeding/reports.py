"""The demo campaign's self-review reports: a realistic spread across its cells, for the demo
scale only (`seed_run` calls `demo_reports_ensure` after the demo campaign exists).

Some cells have not started, most are part-way: members not started, drafts, submitted reports
returned ones with the secretary's reason, resubmitted, accepted; elderly
members' reports entered by their secretary (some confirmed by the member, some not); commitments,
some with progress and some overdue. Members who write their own report have an account (named by
their card number, with no password yet: the secretary prints their first-login slip), and each
cell's secretary has one with the secretary role.

The demo logins' cell (`bithu`, `dangvien`) goes through the real services, so its reports carry
the revisions, state changes, audit rows and notifications the app itself makes; `dangvien`'s
report was returned. Every other cell is bulk-written in the same shapes (content as
`content_clean` leaves it, one revision per save, one state change per step, commitments as
`report_submit` makes them, the notifications the writers were sent), backdated over the weeks
since the campaign opened, like the member seed without audit rows. Fast: under a second or two
for the demo's 3,000 members on SQLite."""

import datetime
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.accounts.models import RoleGrant
from tusoi.accounts.services import username_for
from tusoi.campaigns.models import Campaign
from tusoi.core.bulk import BulkTable, insert_rows
from tusoi.core.seeding import report_text as text
from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.orgs.tree import successor
from tusoi.reports.models import (
    Commitment,
    CommitmentProgress,
    CommitmentStatus,
    ReportRevision,
    ReportStateChange,
    ReportStatus,
    ReportTemplate,
    RevisionKind,
    SelfReview,
)

# Share of started reports in each state (of a cell that has started).
STATE_WEIGHTS = {
    ReportStatus.DRAFT: 25,
    ReportStatus.SUBMITTED: 30,
    ReportStatus.RETURNED: 7,
    ReportStatus.RESUBMITTED: 8,
    ReportStatus.ACCEPTED: 30,
}
# The demo cell (the demo logins' own), one member after another in card order; the secretary
# (`bithu`) and `dangvien` are set apart.
DEMO_CELL_STATES = [
    ReportStatus.ACCEPTED,
    ReportStatus.ACCEPTED,
    ReportStatus.ACCEPTED,
    ReportStatus.SUBMITTED,
    ReportStatus.SUBMITTED,
    ReportStatus.RESUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.DRAFT,
    ReportStatus.DRAFT,
    "",
    "",
    "",
    "",
]


@dataclass
class Plan:
    member: Member
    status: str  # a ReportStatus value, "" for not started
    via_return: bool = False  # accepted after a return and a resubmission
    proxy: bool = False
    confirmed: bool = False
    account: bool = False


@dataclass
class Context:
    campaign: Campaign
    admin: Any
    templates: dict[str, ReportTemplate]
    sections: dict[int, list[Any]]
    items: dict[int, list[Any]]
    today: datetime.date
    users: dict[int, Any] = field(default_factory=dict)  # member id -> account
    secretaries: dict[int, Any] = field(default_factory=dict)  # cell id -> secretary's account


def demo_reports_ensure(
    *, root: Organization, demo_cell: Organization, seed: int, campaign_title: str
) -> int:
    """Seed the reports once; a second run finds them and does nothing. Returns how many
    reports were written."""
    from tusoi.reports.selectors import audience_for, checklist_items, template_effective_sections

    campaign = Campaign.objects.filter(organization=root, title=campaign_title).first()
    if campaign is None or SelfReview.objects.filter(campaign=campaign).exists():
        return 0
    templates = {
        t.audience: t for t in ReportTemplate.objects.filter(campaign=campaign, organization=root)
    }
    if not templates:
        return 0
    sections = {t.pk: template_effective_sections(t) for t in templates.values()}
    items = checklist_items([s for group in sections.values() for s in group])
    ctx = Context(
        campaign=campaign,
        admin=get_user_model().objects.filter(is_superuser=True).order_by("pk").first(),
        templates=templates,
        sections=sections,
        items=items,
        today=timezone.localdate(),
    )
    rng = random.Random(seed)
    path = root.path
    members = list(
        Member.objects.filter(
            cell__path__gte=path, cell__path__lt=successor(path), merged_into__isnull=True
        )
        .exclude(status__in=(MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT))
        .select_related("cell")
        .order_by("cell__path", "card_number")
    )
    by_cell: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        member.audience = audience_for(member)
        by_cell[member.cell_id].append(member)

    # A cell's secretary: whoever holds the role there (the demo's `bithu`), else the member
    # whose position says so.
    granted = dict(
        RoleGrant.objects.filter(
            role=Role.SECRETARY,
            valid_to__isnull=True,
            organization_id__in=list(by_cell),
            user__member__isnull=False,
        ).values_list("organization_id", "user__member_id")
    )
    with transaction.atomic():
        plans: list[Plan] = []
        secretaries: dict[int, Member] = {}
        for cell_id, cell_members in by_cell.items():
            secretary = _secretary_of(cell_members, granted.get(cell_id))
            secretaries[cell_id] = secretary
            if cell_id == demo_cell.pk:
                plans.extend(_plan_demo_cell(cell_members, secretary))
            else:
                plans.extend(_plan_cell(rng, cell_members, secretary))
        _accounts_ensure(ctx, plans, secretaries)
        demo_plans = [p for p in plans if p.member.cell_id == demo_cell.pk]
        written = _write_with_services(rng, ctx, demo_plans)
        written += _write_bulk(rng, ctx, [p for p in plans if p.member.cell_id != demo_cell.pk])
        demo_copies_plant(campaign=campaign, demo_cell=demo_cell)
    return written


# Who gets what ----------------------------------------------------------------------------------


def _secretary_of(cell_members: list[Member], granted_member_id: int | None) -> Member:
    return next(
        (m for m in cell_members if m.pk == granted_member_id),
        next((m for m in cell_members if m.position.startswith("Bí thư Chi bộ")), cell_members[0]),
    )


def _plan_cell(rng: random.Random, cell_members: list[Member], secretary: Member) -> list[Plan]:
    """A cell's pace: about one cell in eight has not started; the others are part-way."""
    pace = 0.0 if rng.random() < 0.12 else rng.uniform(0.3, 0.95)
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    plans = []
    for member in cell_members:
        if rng.random() >= pace:
            plans.append(Plan(member, "", account=rng.random() < 0.55 and not member.elderly_frail))
            continue
        if member.elderly_frail and member.pk != secretary.pk:
            # Cannot write: the secretary entered it; about half have confirmed it since.
            status = rng.choice([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
            confirmed = rng.random() < 0.5
            plans.append(Plan(member, status, proxy=True, confirmed=confirmed, account=confirmed))
            continue
        status = rng.choices(states, weights)[0]
        if member.pk == secretary.pk and status not in (ReportStatus.DRAFT, ReportStatus.SUBMITTED):
            status = ReportStatus.SUBMITTED  # nobody returns or accepts their own report
        plans.append(
            Plan(
                member,
                status,
                via_return=status == ReportStatus.ACCEPTED and rng.random() < 0.3,
                account=True,
            )
        )
    return plans


def _plan_demo_cell(cell_members: list[Member], secretary: Member) -> list[Plan]:
    from tusoi.accounts.models import User

    plain = User.objects.filter(username="dangvien").values_list("member_id", flat=True).first()
    plans = [Plan(secretary, ReportStatus.SUBMITTED, account=True)]
    others = [m for m in cell_members if m.pk != secretary.pk]
    if plain is not None:
        plans.append(
            Plan(next(m for m in others if m.pk == plain), ReportStatus.RETURNED, account=True)
        )
        others = [m for m in others if m.pk != plain]
    states = (DEMO_CELL_STATES * (len(others) // len(DEMO_CELL_STATES) + 1))[: len(others)]
    for member, state in zip(others, states, strict=True):
        plans.append(Plan(member, state, account=True))
    return plans


def _accounts_ensure(ctx: Context, plans: list[Plan], secretaries: dict[int, Member]) -> None:
    """Accounts (no password yet) for the writers, some others and each cell's secretary, with
    their member or secretary role on the cell."""
    from tusoi.accounts.models import User

    wanted = {p.member.pk: p.member for p in plans if p.account}
    wanted.update({m.pk: m for m in secretaries.values()})
    existing = set(
        User.objects.filter(member_id__in=list(wanted)).values_list("member_id", flat=True)
    )
    now = timezone.now()
    admin_id = getattr(ctx.admin, "pk", None)
    _insert(
        User,
        [
            {
                "username": username_for(member),
                "member": member.pk,
                "email": member.email,
                # Unusable (no password yet): the secretary prints the first-login slip.
                "password": f"!{secrets.token_hex(20)}",
                "must_change_password": True,
                "created_by": admin_id,
                "date_joined": now,
            }
            for member_id, member in wanted.items()
            if member_id not in existing
        ],
    )
    ctx.users = {
        u.member_id: u
        for u in User.objects.filter(member_id__in=list(wanted)).select_related("member")
    }
    ctx.secretaries = {cell_id: ctx.users[m.pk] for cell_id, m in secretaries.items()}
    held = set(
        RoleGrant.objects.filter(
            user__in=list(ctx.users.values()), valid_to__isnull=True
        ).values_list("user_id", "organization_id", "role")
    )
    grants = []
    for user in ctx.users.values():
        cell_id = user.member.cell_id
        roles = [Role.MEMBER]
        if ctx.secretaries.get(cell_id) is user:
            roles.append(Role.SECRETARY)
        grants.extend(
            {
                "user": user.pk,
                "organization": cell_id,
                "role": role,
                "granted_by": admin_id,
                "note": "tusoi seed",
                "valid_from": now,
            }
            for role in roles
            if (user.pk, cell_id, role) not in held
        )
    _insert(RoleGrant, grants)


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Raw insert of rows given as {field name: value} (each value prepared by its field):
    the bulk part of the seed builds no model instances."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the thread-local proxy
    names = list(rows[0])
    prep = [(name, model._meta.get_field(name).get_db_prep_save) for name in names]
    table = BulkTable(model, [model._meta.get_field(name).column for name in names])
    table.columns = [db.ops.quote_name(c) for c in table.columns]  # "on" is a keyword
    insert_rows(table, (tuple(f(row[name], db) for name, f in prep) for row in rows))


def _writer(member: Member) -> text.Writer:
    admitted = member.admitted_on or datetime.date(2000, 1, 1)
    return text.Writer(
        audience=member.audience,
        job=member.job,
        position=member.position,
        admitted_year=admitted.year,
        years=max(1, timezone.localdate().year - admitted.year),
    )


def _template(ctx: Context, member: Member) -> ReportTemplate:
    return ctx.templates.get(member.audience) or ctx.templates["member"]


# The demo cell, through the services ------------------------------------------------------------


def _write_with_services(rng: random.Random, ctx: Context, plans: list[Plan]) -> int:
    from tusoi.reports.services import (
        commitment_progress_record,
        report_accept,
        report_open,
        report_return,
        report_save,
        report_submit,
    )

    written = 0
    for plan in plans:
        if not plan.status:
            continue
        member = plan.member
        writer_user = ctx.users[member.pk]
        secretary = ctx.secretaries[member.cell_id]
        template = _template(ctx, member)
        complete = plan.status != ReportStatus.DRAFT
        content = text.build_content(
            rng,
            writer=_writer(member),
            sections=ctx.sections[template.pk],
            items=ctx.items,
            # Planned while the campaign was under way: the nearest dates may have passed.
            written_on=ctx.today - datetime.timedelta(days=rng.randint(10, 25)),
            complete=complete,
        )
        report = report_open(member=member, campaign=ctx.campaign, actor=writer_user)
        report = report_save(
            report=report, actor=writer_user, content=content, base_version=report.version
        )
        written += 1
        if not complete:
            continue
        report = report_submit(report=report, actor=writer_user)
        if plan.status in (ReportStatus.RETURNED, ReportStatus.RESUBMITTED):
            report = report_return(
                report=report, actor=secretary, reason=rng.choice(text.RETURN_REASONS)
            )
        if plan.status == ReportStatus.RESUBMITTED:
            report = report_save(
                report=report,
                actor=writer_user,
                content=text.fixed_content(rng, content),
                base_version=report.version,
            )
            report = report_submit(report=report, actor=writer_user)
        if plan.status == ReportStatus.ACCEPTED:
            report = report_accept(report=report, actor=secretary)
            commitment = report.commitments.order_by("position").first()
            if commitment is not None:
                commitment_progress_record(
                    commitment=commitment,
                    actor=writer_user,
                    status=CommitmentStatus.IN_PROGRESS,
                    note=rng.choice(text.PROGRESS_NOTES["in_progress"]),
                )
    return written


# Every other cell, in bulk ----------------------------------------------------------------------


def _moments(rng: random.Random, ctx: Context, count: int) -> list[datetime.datetime]:
    """`count` ordered moments between the campaign's first day and yesterday evening."""
    first = ctx.campaign.starts_on
    last = max(0, (ctx.today - first).days - 1)  # yesterday, as days after the first
    tz = timezone.get_current_timezone()
    out = []
    for _n in range(count):
        day = first + datetime.timedelta(days=rng.randint(0, last))
        out.append(
            datetime.datetime.combine(
                day, datetime.time(rng.randint(7, 20), rng.randint(0, 59)), tzinfo=tz
            )
        )
    return sorted(out)


def _steps(plan: Plan) -> list[str]:
    if plan.status == ReportStatus.DRAFT:
        return ["open"]
    steps = ["open", "submit"]
    if plan.status in (ReportStatus.RETURNED, ReportStatus.RESUBMITTED) or plan.via_return:
        steps.append("return")
    if plan.status == ReportStatus.RESUBMITTED or plan.via_return:
        steps.append("resubmit")
    if plan.status == ReportStatus.ACCEPTED:
        steps.append("accept")
    return steps


@dataclass
class _Built:
    """One report as rows: the report's own fields, then its revisions, state changes and the
    notifications its writer was sent (each without the report id, known after insert)."""

    member_id: int
    cell_id: int
    report: dict[str, Any]
    revisions: list[dict[str, Any]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    submitted_content: dict[str, Any] | None = None
    submitted_on: datetime.date | None = None


def _build(rng: random.Random, ctx: Context, plan: Plan) -> _Built:
    """The report's history as the services would have written it, step by step."""
    member = plan.member
    template = _template(ctx, member)
    sections = ctx.sections[template.pk]
    secretary = ctx.secretaries[member.cell_id]
    author = secretary if plan.proxy else ctx.users[member.pk]
    steps = _steps(plan)
    moments = _moments(rng, ctx, len(steps))
    opened = moments[0]
    content = text.build_content(
        rng,
        writer=_writer(member),
        sections=sections,
        items=ctx.items,
        written_on=opened.date(),
        complete=plan.status != ReportStatus.DRAFT,
    )
    report: dict[str, Any] = {
        "campaign": ctx.campaign.pk,
        "member": member.pk,
        "template": template.pk,
        "status": plan.status,
        "source": "typed",
        "entered_by": None,
        "proxy_reason": "",
        "confirmed_at": None,
        "first_submitted_at": None,
        "submitted_at": None,
        "submitted_late": False,
        "returned_reason": "",
        "decided_by": None,
        "decided_at": None,
        "created_at": opened,
    }
    built = _Built(member.pk, member.cell_id, report)
    built.states.append({"status": ReportStatus.DRAFT, "at": opened, "by": author.pk, "note": ""})
    version = 0
    title = ctx.campaign.title
    revision_kind = RevisionKind.PROXY if plan.proxy else RevisionKind.SAVE

    def revision(kind: str, body: dict[str, Any], at: datetime.datetime, based_on: int) -> None:
        built.revisions.append(
            {
                "number": len(built.revisions) + 1,
                "kind": kind,
                "content": body,
                "char_count": len(_full_text(sections, body)),
                "based_on_version": based_on,
                "saved_by": author.pk,
                "saved_at": at,
            }
        )

    def notify(kind: str, title_text: str, body: str, at: datetime.datetime) -> None:
        built.notifications.append(
            {
                "kind": kind,
                "title": title_text[:300],
                "body": body,
                "created_at": at,
                "sent_by": secretary.pk,
            }
        )

    def submit(body: dict[str, Any], at: datetime.datetime, status: str) -> None:
        revision(RevisionKind.SUBMIT, body, at, version)
        built.states.append({"status": status, "at": at, "by": author.pk, "note": ""})
        if report["first_submitted_at"] is None:
            report["first_submitted_at"] = at
            # The demo's due date lies ahead: no seeded report is late.
        report["submitted_at"] = at
        built.submitted_content, built.submitted_on = body, at.date()

    version += 1
    revision(revision_kind, content, opened + datetime.timedelta(minutes=rng.randint(10, 50)), 0)
    for step, at in zip(steps[1:], moments[1:], strict=True):
        if step == "submit":
            submit(content, at, ReportStatus.SUBMITTED)
        elif step == "return":
            reason = rng.choice(text.RETURN_REASONS)
            report.update(returned_reason=reason, decided_by=secretary.pk, decided_at=at)
            built.states.append(
                {"status": ReportStatus.RETURNED, "at": at, "by": secretary.pk, "note": reason}
            )
            notify(
                NotificationKind.REPORT_RETURNED,
                _("Your report for “%(campaign)s” was returned") % {"campaign": title},
                reason,
                at,
            )
        elif step == "resubmit":
            content = text.fixed_content(rng, content)
            version += 1
            revision(revision_kind, content, at - datetime.timedelta(minutes=5), version - 1)
            submit(content, at, ReportStatus.RESUBMITTED)
        elif step == "accept":
            report.update(decided_by=secretary.pk, decided_at=at)
            built.states.append(
                {"status": ReportStatus.ACCEPTED, "at": at, "by": secretary.pk, "note": ""}
            )
            notify(
                NotificationKind.REPORT_ACCEPTED,
                _("Your report for “%(campaign)s” was accepted") % {"campaign": title},
                "",
                at,
            )
    if plan.proxy:
        report.update(entered_by=secretary.pk, proxy_reason=rng.choice(text.PROXY_REASONS))
        if report["submitted_at"]:
            notify(
                NotificationKind.REPORT_PROXY,
                _("Your report for “%(campaign)s” was entered on your behalf")
                % {"campaign": title},
                _("Entered by %(who)s: %(reason)s. Read it and confirm it if it is right.")
                % {"who": secretary.get_full_name(), "reason": report["proxy_reason"]},
                report["first_submitted_at"],
            )
        if plan.confirmed:
            report["confirmed_at"] = moments[-1] + datetime.timedelta(hours=1)
    full_text = _full_text(sections, content)
    report.update(
        content=content,
        full_text=full_text,
        char_count=len(full_text),
        version=version,
        updated_at=max(
            [
                *(s["at"] for s in built.states),
                *(r["saved_at"] for r in built.revisions),
                *([report["confirmed_at"]] if report["confirmed_at"] else []),
            ]
        ),
    )
    return built


def _full_text(sections: list[Any], content: dict[str, Any]) -> str:
    from tusoi.reports.services import content_text

    return content_text(sections, content)


def _write_bulk(rng: random.Random, ctx: Context, plans: list[Plan]) -> int:
    built = [_build(rng, ctx, plan) for plan in plans if plan.status]
    _insert(SelfReview, [b.report for b in built])
    ids = dict(
        SelfReview.objects.filter(
            campaign=ctx.campaign, member_id__in=[b.member_id for b in built]
        ).values_list("member_id", "pk")
    )
    _insert(ReportRevision, [{**r, "report": ids[b.member_id]} for b in built for r in b.revisions])
    _insert(ReportStateChange, [{**s, "report": ids[b.member_id]} for b in built for s in b.states])
    _write_commitments(rng, ctx, built, ids)
    _write_notifications(ctx, built, ids)
    return len(built)


def _write_commitments(
    rng: random.Random, ctx: Context, built: list[_Built], ids: dict[int, int]
) -> None:
    """Commitment rows as report_submit makes them; about a third have progress recorded, and
    those with an early date and no progress are overdue by now."""
    rows = []
    progress = []
    tz = timezone.get_current_timezone()
    now = timezone.now()
    for b in built:
        start = b.submitted_on
        for position, entry in enumerate((b.submitted_content or {}).get("commitments", [])):
            row = {
                "report": ids[b.member_id],
                "member": b.member_id,
                "key": entry["key"],
                "position": position,
                "what": entry["what"],
                "due_on": datetime.date.fromisoformat(entry["due_on"]),
                "measure": entry["measure"],
                "status": CommitmentStatus.NOT_STARTED,
                "progress_note": "",
                "progress_on": None,
                "updated_at": now,
            }
            if start and start < ctx.today and rng.random() < 0.35:
                status = rng.choice([CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE])
                on = start + datetime.timedelta(days=rng.randint(1, (ctx.today - start).days))
                note = rng.choice(text.PROGRESS_NOTES[status])
                row.update(status=status, progress_note=note, progress_on=on)
                recorder = ctx.users.get(b.member_id) or ctx.secretaries[b.cell_id]
                progress.append(
                    {
                        "key": (ids[b.member_id], entry["key"]),
                        "status": status,
                        "note": note,
                        "on": on,
                        "recorded_by": recorder.pk,
                        "recorded_at": datetime.datetime.combine(
                            on, datetime.time(20, 0), tzinfo=tz
                        ),
                    }
                )
            rows.append(row)
    _insert(Commitment, rows)
    if progress:
        keys = {
            (report_id, key): pk
            for report_id, key, pk in Commitment.objects.filter(
                report__campaign=ctx.campaign
            ).values_list("report_id", "key", "pk")
        }
        _insert(CommitmentProgress, [{"commitment": keys[p.pop("key")], **p} for p in progress])


def _write_notifications(ctx: Context, built: list[_Built], ids: dict[int, int]) -> None:
    """What the writers were sent, the older ones read already."""
    url = reverse("reports:report", args=[0]).replace("/0/", "/{}/")
    rows = []
    for b in built:
        account = ctx.users.get(b.member_id)
        if account is None:
            continue
        sent = sorted(b.notifications, key=lambda n: n["created_at"])
        for index, n in enumerate(sent):
            last = index == len(sent) - 1
            rows.append(
                {
                    **n,
                    "user": account.pk,
                    "url": url.format(ids[b.member_id]),
                    "read_at": None if last else n["created_at"] + datetime.timedelta(hours=2),
                }
            )
    _insert(Notification, rows)


# Copy detection (issue 7): planted copies in the demo cell, then every report checked -------------

# An original report with the specifics only its writer would know.
COPY_SOURCE = [
    "Năm qua tôi được chi bộ phân công theo dõi việc tiếp nhận và trả kết quả hồ sơ một cửa "
    "của văn phòng. Có tuần tôi ở lại đến bảy giờ tối để kịp trả giấy chứng nhận cho bà con tổ "
    "9 ven kênh thủy lợi, vì nhiều người đã phải đi lại ba bốn lần.",
    "Tôi tự nhận thấy mình còn nóng nảy, chưa hòa nhã khi trao đổi với người dân mang thiếu giấy "
    "tờ. Có lần tôi đã nói to với một cụ ông ở ngõ 14 và sau đó phải đến tận nhà xin lỗi; việc "
    "đó làm tôi day dứt suốt nhiều ngày.",
    "Về học tập, tôi mới đọc lướt Kết luận 21 chứ chưa ghi chép, chưa liên hệ được với công việc "
    "cụ thể của mình. Trong các buổi sinh hoạt chi bộ tôi ít phát biểu, thường để các đồng chí "
    "lớn tuổi nói trước.",
    "Nguyên nhân chính là tôi chưa sắp xếp thời gian hợp lý giữa việc cơ quan và việc chăm lo "
    "sức khỏe cho mẹ ở quê; mỗi tháng tôi về Nam Định hai lần nên việc tự học bị bỏ dở.",
    "Tôi cũng còn ngại va chạm: khi thấy đồng nghiệp nhận phong bì cảm ơn của người làm thủ tục, "
    "tôi chỉ nhắc riêng một lần rồi thôi, không báo cáo với chi bộ.",
    "Để sửa, từ tháng sau tôi sẽ lập sổ theo dõi từng hồ sơ trễ hẹn và gọi điện báo trước cho "
    "người dân, không để ai phải đi lại quá hai lần vì một thủ tục.",
    "Mỗi tối thứ Năm tôi dành một giờ đọc và ghi chép nghị quyết, rồi xin phát biểu ít nhất một "
    "ý kiến trong mỗi buổi sinh hoạt chi bộ.",
    "Khi gặp việc sai trái trong cơ quan tôi sẽ nói thẳng trong cuộc họp và báo cáo đồng chí bí "
    "thư, không né tránh như trước.",
]
# The first copy: paragraphs reordered, one left out, a few details changed.
COPY_EDITS = [
    ("tổ 9", "tổ 7"),
    ("ngõ 14", "ngõ 12"),
    ("Nam Định", "Thái Bình"),
    ("thứ Năm", "thứ Ba"),
]
COPY_ORDER = [1, 0, 3, 2, 5, 6, 7]
# The template's example texts (the demo adds them to three sections of the member template).
SAMPLE_TEXTS = {
    "loi-the": "Từ khi được kết nạp, tôi luôn ghi nhớ lời thề trước cờ Đảng: trung thành với "
    "mục đích lý tưởng của Đảng, chấp hành nghiêm Điều lệ Đảng, nghị quyết của chi bộ; trong "
    "công việc và nơi cư trú tôi luôn cố gắng gương mẫu, giữ gìn phẩm chất đạo đức, lối sống "
    "giản dị, gần gũi nhân dân.",
    "uu-diem": "Tôi luôn chấp hành sự phân công của chi bộ và cơ quan, hoàn thành đúng hạn các "
    "việc được giao trong năm; tham gia đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng quy định; "
    "giữ gìn đoàn kết nội bộ, gần gũi, lắng nghe ý kiến của quần chúng nơi công tác và nơi cư "
    "trú.",
    "han-che": "Có lúc tôi chưa mạnh dạn tự phê bình và phê bình, còn nể nang trong góp ý; việc "
    "nghiên cứu, học tập nghị quyết chưa thường xuyên; có việc còn giải quyết chậm so với thời "
    "hạn được giao.",
    "giai-phap": "Tôi sẽ dành thời gian tự học nghị quyết mỗi tuần, mạnh dạn góp ý thẳng thắn "
    "trong sinh hoạt chi bộ và lập kế hoạch công việc theo tuần để không việc nào bị trễ hạn.",
}
# What the member who pasted the examples wrote where the template has none.
SAMPLE_PASTER_OWN = "Nguyên nhân chủ yếu là do bản thân chưa tự giác học tập và rèn luyện."


def _old_tones(text: str) -> str:
    for new, old in (("òa", "oà"), ("ỏe", "oẻ"), ("ủy", "uỷ"), ("óa", "oá"), ("ọa", "oạ")):
        text = text.replace(new, old)
    return text


def _edited(paragraphs: list[str]) -> list[str]:
    out = []
    for index in COPY_ORDER:
        paragraph = paragraphs[index]
        for before, after in COPY_EDITS:
            paragraph = paragraph.replace(before, after)
        out.append(paragraph)
    return out


def _old_and_legacy(paragraphs: list[str]) -> list[str]:
    """The old tone style, with three paragraphs pasted from a document typed in TCVN3."""
    from tusoi.dedup.normalize import to_tcvn3

    return [to_tcvn3(p) if i in (2, 3, 6) else _old_tones(p) for i, p in enumerate(paragraphs)]


def _spread(sections: list[Any], paragraphs: list[str]) -> dict[str, str]:
    """Paragraphs over the template's text sections in order, each long enough."""
    texts = [s for s in sections if s.kind == "text" and s.required]
    chunks: dict[str, list[str]] = {s.key: [] for s in texts}
    current = 0
    for paragraph in paragraphs:
        chunks[texts[current].key].append(paragraph)
        if (
            len("\n".join(chunks[texts[current].key])) >= texts[current].min_chars
            and current < len(texts) - 1
        ):
            current += 1
    return {key: "\n".join(parts) for key, parts in chunks.items() if parts}


def _rewrite(report: SelfReview, sections: list[Any], texts: dict[str, str]) -> None:
    """Replace the report's text sections (its checklist and plan stay), in every revision too,
    so its history reads as if it had been written so."""
    from tusoi.reports.services import content_text

    content = {**report.content, "sections": texts}
    full_text = content_text(sections, content)
    SelfReview.objects.filter(pk=report.pk).update(
        content=content, full_text=full_text, char_count=len(full_text)
    )
    ReportRevision.objects.filter(report=report).exclude(kind=RevisionKind.CONFLICT).update(
        content=content, char_count=len(full_text)
    )


def demo_copies_plant(*, campaign: Campaign, demo_cell: Organization) -> None:
    """In the demo logins' cell: one member's original report, two members' reports that
    largely repeat it (one with paragraphs reordered and details changed, one in the old tone
    style with paragraphs pasted from a TCVN3 document), and one that pastes the template's
    example texts. Then every submitted report of the campaign is checked, in bulk, as the
    issuing committee's re-check does."""
    from tusoi.accounts.models import User
    from tusoi.reports.selectors import template_effective_sections
    from tusoi.reports.services.copies import campaign_copy_recheck

    set_apart = set(
        User.objects.filter(username__in=["bithu", "dangvien"]).values_list("member_id", flat=True)
    )
    reports = [
        r
        for r in SelfReview.objects.filter(campaign=campaign, member__cell=demo_cell)
        .select_related("template", "member")
        .order_by("member__card_number")
        if r.member_id not in set_apart
        and r.status in (ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)
    ]
    # The original and the sample paster among the accepted (ordinary members' template
    # first), the copiers among the others.
    reports.sort(key=lambda r: (r.status != ReportStatus.ACCEPTED, r.template.audience != "member"))
    if len(reports) >= 4:
        source, paster, *copiers = reports[:4]
        for report, paragraphs in (
            (source, COPY_SOURCE),
            (copiers[0], _edited(COPY_SOURCE)),
            (copiers[1], _old_and_legacy(COPY_SOURCE)),
        ):
            sections = template_effective_sections(report.template)
            _rewrite(report, sections, _spread(sections, paragraphs))
        sections = template_effective_sections(paster.template)
        for section in sections:
            if section.key in SAMPLE_TEXTS and not section.sample_text:
                section.sample_text = SAMPLE_TEXTS[section.key]
                section.save(update_fields=["sample_text"])
        texts = {
            s.key: SAMPLE_TEXTS.get(s.key, SAMPLE_PASTER_OWN)
            for s in sections
            if s.kind == "text" and s.required
        }
        _rewrite(paster, sections, texts)
    campaign_copy_recheck(campaign=campaign)
