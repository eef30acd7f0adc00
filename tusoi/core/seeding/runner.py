"""Running a seed: batches committed one at a time with their checkpoint, demo accounts.

Each batch (a few upper-grassroots committees of one province, about `batch_members` members)
is one transaction that also writes its `SeedBatch` row; a killed run loses at most the batch in
progress, and the next run skips every recorded batch.
"""

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from tusoi.accounts.models import RoleGrant
from tusoi.accounts.services import role_grant
from tusoi.core.models import SeedBatch
from tusoi.core.seeding.generator import (
    Ids,
    Plan,
    ProvinceSpec,
    generate_upper,
    make_plan,
)
from tusoi.core.seeding.meetings import demo_meetings_ensure
from tusoi.core.seeding.monitoring import demo_monitoring_ensure
from tusoi.core.seeding.reports import demo_reports_ensure
from tusoi.core.seeding.writer import BulkWriter
from tusoi.core.text import vn_sort_key
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.permissions import Role
from tusoi.orgs.tree import depth_of, segment

DEMO_PASSWORD = "tusoi-demo-2024"  # noqa: S105 — printed on purpose: demo data only
# Flush buffered rows to the database once this many members are waiting.
_FLUSH_MEMBERS = 20_000


class SeedConflict(Exception):
    """The root code is taken by something this seed run did not make."""


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    where: str


@dataclass(frozen=True)
class SeedResult:
    scale: str
    members: int
    cells: int
    organizations: int
    batches_written: int
    complete: bool
    seconds: float
    logins: tuple[Login, ...] = ()


def run_key(plan: Plan) -> str:
    return f"{plan.scale.name}:{plan.seed}"


def _ensure_org(
    *, code: str, name: str, kind: str, parent: Organization | None, index: int | None
) -> Organization:
    """The root or a province: created on first need with the path the plan fixes."""
    org = Organization.objects.filter(code=code).first()
    if org is not None:
        return org
    if parent is None:
        last = (
            Organization.objects.filter(parent__isnull=True)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        path = segment(int(last) + 1 if last else 1)
    else:
        path = parent.path + segment(index + 1)
    return Organization.objects.create(
        code=code,
        name=name,
        kind=OrgKind.objects.get(code=kind),
        parent=parent,
        path=path,
        depth=depth_of(path),
        name_key=vn_sort_key(name),
    )


def _raise_counter(org: Organization, allocated: int) -> None:
    """Children were given segments 1..allocated; the counter must never fall behind them."""
    if org.child_counter < allocated:
        Organization.objects.filter(pk=org.pk, child_counter__lt=allocated).update(
            child_counter=allocated
        )
        org.child_counter = allocated


def _province_org(plan: Plan, prov: ProvinceSpec) -> Organization:
    if plan.province_is_root:
        return _ensure_org(
            code=plan.root_code, name=plan.root_name, kind=plan.root_kind, parent=None, index=None
        )
    root = _ensure_org(
        code=plan.root_code, name=plan.root_name, kind=plan.root_kind, parent=None, index=None
    )
    org = _ensure_org(code=prov.code, name=prov.name, kind="tinh-uy", parent=root, index=prov.index)
    _raise_counter(root, prov.index + 1)
    return org


def _write_batch(plan: Plan, writer: BulkWriter, batch_number: int) -> tuple[int, int, int]:
    batch = plan.batches[batch_number]
    prov = plan.provinces[batch.province]
    writer.begin_batch()
    parent = _province_org(plan, prov)
    org_id, member_id = writer.next_ids()
    ids = Ids(org=org_id, member=member_id)
    orgs: list[tuple] = []
    members: list[tuple] = []
    periods: list[tuple] = []
    totals = [0, 0, 0]  # organisations, cells, members

    def flush() -> None:
        # Parents before children, members before their periods (foreign keys).
        writer.write_orgs(orgs)
        writer.write_members(members)
        writer.write_periods(periods)
        totals[0] += len(orgs)
        totals[2] += len(members)
        orgs.clear()
        members.clear()
        periods.clear()

    for index in batch.uppers:
        rows = generate_upper(
            plan=plan,
            prov=prov,
            upper=prov.uppers[index],
            parent_id=parent.pk,
            parent_path=parent.path,
            ids=ids,
        )
        orgs.extend(rows.orgs)
        members.extend(rows.members)
        periods.extend(rows.periods)
        totals[1] += rows.cells
        if len(members) >= _FLUSH_MEMBERS:
            flush()
    flush()
    _raise_counter(parent, batch.uppers[-1] + 1)
    writer.end_batch()
    return totals[0], totals[1], totals[2]


def seed_run(
    *,
    scale: str,
    seed: int = 2024,
    progress: Callable[[str], None] = lambda _line: None,
    stop_after: int | None = None,
) -> SeedResult:
    """Generate `scale` (resuming a killed run); stop after `stop_after` new batches if given."""
    started = time.monotonic()
    plan = make_plan(scale, seed)
    key = run_key(plan)
    root = Organization.objects.filter(code=plan.root_code).first()
    done = set(SeedBatch.objects.filter(run=key).values_list("batch", flat=True))
    if root is not None and not done:
        raise SeedConflict(
            f"An organisation with code {plan.root_code} already exists and was not made by "
            f"`seed --scale {scale} --seed {seed}`; use another database or remove it first."
        )
    if root is None and done:  # the data was removed but not the checkpoints: start over
        SeedBatch.objects.filter(run=key).delete()
        done = set()

    writer = BulkWriter()
    written = 0
    total = len(plan.batches)
    # Large loads on PostgreSQL rebuild the member indexes once instead of row by row.
    defer = plan.scale.members >= 100_000 and len(done) < total
    with writer.session(), writer.indexes_deferred(defer, progress):
        for batch in plan.batches:
            if batch.number in done:
                continue
            if stop_after is not None and written >= stop_after:
                break
            t0 = time.monotonic()
            with transaction.atomic():
                n_orgs, n_cells, n_members = _write_batch(plan, writer, batch.number)
                seconds = time.monotonic() - t0
                SeedBatch.objects.create(
                    run=key,
                    batch=batch.number,
                    label=batch.label[:255],
                    organizations=n_orgs,
                    cells=n_cells,
                    members=n_members,
                    seconds=seconds,
                )
            written += 1
            done.add(batch.number)
            progress(
                f"batch {batch.number + 1}/{total} {batch.label}: {n_members} members, "
                f"{n_cells} cells in {seconds:.1f} s"
            )

    if written:
        writer.analyze()
    complete = len(done) == total
    logins: tuple[Login, ...] = ()
    if complete and plan.scale.demo_users:
        logins = demo_users_ensure(plan)
        demo_campaign_ensure(plan)
        demo_reports_ensure(
            root=Organization.objects.get(code=plan.root_code),
            demo_cell=Organization.objects.get(code=f"{plan.root_code}-001-01-01"),
            seed=plan.seed,
            campaign_title=DEMO_CAMPAIGN_TITLE,
        )
        demo_meetings_ensure(
            root=Organization.objects.get(code=plan.root_code),
            demo_cell=Organization.objects.get(code=f"{plan.root_code}-001-01-01"),
            seed=plan.seed,
            campaign_title=DEMO_CAMPAIGN_TITLE,
        )
        demo_monitoring_ensure(
            root=Organization.objects.get(code=plan.root_code),
            seed=plan.seed,
            campaign_title=DEMO_CAMPAIGN_TITLE,
        )
    sums = SeedBatch.objects.filter(run=key).aggregate(
        m=Sum("members"), c=Sum("cells"), o=Sum("organizations")
    )
    return SeedResult(
        scale=scale,
        members=sums["m"] or 0,
        cells=sums["c"] or 0,
        organizations=sums["o"] or 0,
        batches_written=written,
        complete=complete,
        seconds=time.monotonic() - started,
        logins=logins,
    )


# Demo accounts -----------------------------------------------------------------------------------


def _user(username: str, *, member: Member | None = None, superuser: bool = False):
    """The demo user, created once; a re-run finds it and changes nothing."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user
    if superuser:
        return user_model.objects.create_superuser(username, "", DEMO_PASSWORD)
    return user_model.objects.create_user(username, "", DEMO_PASSWORD, member=member)


def _grant(admin, user, org: Organization, role: str) -> None:
    if not RoleGrant.objects.filter(
        user=user, organization=org, role=role, valid_to__isnull=True
    ).exists():
        role_grant(actor=admin, user=user, organization=org, role=role, note="tusoi seed")


@transaction.atomic
def demo_users_ensure(plan: Plan) -> tuple[Login, ...]:
    """One account per role, on the first ward committee of the demo and its first cell."""
    root = Organization.objects.get(code=plan.root_code)
    commune = Organization.objects.get(code=f"{plan.root_code}-001")
    grassroots = Organization.objects.get(code=f"{plan.root_code}-001-01")
    cell = Organization.objects.get(code=f"{plan.root_code}-001-01-01")
    present = Member.objects.filter(
        cell=cell, status=MemberStatus.ACTIVE, merged_into__isnull=True
    ).order_by("id")
    secretary = present.filter(position__startswith="Bí thư Chi bộ").first() or present.first()
    plain = present.exclude(pk=secretary.pk).exclude(position__contains="Bí thư").first()

    admin = _user("admin", superuser=True)
    staff_province = _user("tinhuy")
    staff_commune = _user("phuong")
    supervisor = _user("giamsat")
    secretary_user = _user("bithu", member=secretary)
    member_user = _user("dangvien", member=plain)
    _grant(admin, staff_province, root, Role.COMMITTEE)
    _grant(admin, staff_commune, commune, Role.COMMITTEE)
    _grant(admin, supervisor, grassroots, Role.SUPERVISOR)
    _grant(admin, secretary_user, cell, Role.SECRETARY)
    _grant(admin, member_user, cell, Role.MEMBER)
    return (
        Login(admin.username, "administrator (superuser)", "every organisation"),
        Login(staff_province.username, "committee staff", root.name),
        Login(staff_commune.username, "committee staff", commune.name),
        Login(supervisor.username, "supervisor", grassroots.name),
        Login(
            secretary_user.username,
            "cell secretary",
            f"{cell.name} ({secretary_user.member.full_name if secretary_user.member_id else ''})",
        ),
        Login(
            member_user.username,
            "member",
            f"{cell.name} ({member_user.member.full_name if member_user.member_id else ''})",
        ),
    )


# Demo campaign -----------------------------------------------------------------------------------

DEMO_CAMPAIGN_TITLE = "Đợt sinh hoạt chính trị “Giữ trọn lời thề đảng viên”"


def demo_campaign_ensure(plan: Plan) -> None:
    """An open campaign of the demo province, running around today, with the province's
    guidance, a ward committee's own plan and the default report templates."""
    from tusoi.campaigns.models import Campaign
    from tusoi.campaigns.services import campaign_create, campaign_open, guiding_document_add
    from tusoi.reports.services import campaign_templates_create_defaults

    root = Organization.objects.get(code=plan.root_code)
    if Campaign.objects.filter(organization=root, title=DEMO_CAMPAIGN_TITLE).exists():
        return
    commune = Organization.objects.get(code=f"{plan.root_code}-001")
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=30)
    campaign = campaign_create(
        actor=None,
        organization=root,
        title=DEMO_CAMPAIGN_TITLE,
        theme="Giữ trọn lời thề đảng viên",
        starts_on=starts,
        ends_on=today + datetime.timedelta(days=60),
        report_due_on=today + datetime.timedelta(days=30),
        description=(
            "Mỗi đảng viên tự rà soát, soi rọi việc thực hiện lời thề khi vào Đảng và lời hứa "
            "khi nhận nhiệm vụ; mỗi chi bộ tổ chức ít nhất một buổi sinh hoạt chuyên đề."
        ),
        directives=(
            "Chỉ thị số 28-CT/TW ngày 21/01/2019 của Ban Bí thư\n"
            "Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương"
        ),
    )
    guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=root,
        number_symbol="06-HD/TU",
        issued_on=starts - datetime.timedelta(days=10),
        issuing_body="Ban Thường vụ Tỉnh ủy",
        summary="Hướng dẫn tổ chức đợt sinh hoạt chính trị “Giữ trọn lời thề đảng viên”",
    )
    guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=commune,
        number_symbol="02-KH/ĐU",
        issued_on=starts - datetime.timedelta(days=5),
        issuing_body=commune.name,
        summary="Kế hoạch triển khai đợt sinh hoạt chính trị trong Đảng bộ",
    )
    campaign_open(actor=None, campaign=campaign)
    campaign_templates_create_defaults(actor=None, campaign=campaign)
