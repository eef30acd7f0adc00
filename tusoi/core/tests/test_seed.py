"""`tusoi seed`: a consistent tree, members as the services would have made them, determinism,
idempotence of the demo and resuming after an interruption."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from tusoi.accounts.models import RoleGrant, User
from tusoi.core.models import SeedBatch
from tusoi.core.seeding import runner
from tusoi.core.seeding.generator import Ids, generate_upper, make_plan
from tusoi.core.seeding.runner import DEMO_PASSWORD, seed_run
from tusoi.core.text import clean_text, fold, vn_sort_key
from tusoi.members.models import Member, MembershipPeriod, MemberStatus
from tusoi.members.services import EDITABLE_FIELDS, member_validate
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.orgs.tree import SEGMENT_WIDTH
from tusoi.testing.factories import make_org


def _seed(scale: str = "tiny", **kwargs) -> str:
    out = io.StringIO()
    call_command("seed", scale=scale, stdout=out, **kwargs)
    return out.getvalue()


def _planned_members(scale: str, seed: int = 2024) -> int:
    """What an uninterrupted run writes, computed without the database."""
    plan = make_plan(scale, seed)
    ids = Ids(org=1, member=1)
    return sum(
        len(
            generate_upper(
                plan=plan, prov=prov, upper=u, parent_id=1, parent_path="00001", ids=ids
            ).members
        )
        for prov in plan.provinces
        for u in prov.uppers
    )


@pytest.mark.django_db
def test_seed_builds_a_consistent_tree():
    _seed()
    orgs = {o.pk: o for o in Organization.objects.select_related("kind")}
    children = Counter(o.parent_id for o in orgs.values() if o.parent_id)
    root = Organization.objects.get(code="TINY")
    assert root.kind.code == "tinh-uy" and root.depth == 0 and root.parent_id is None
    for org in orgs.values():
        assert org.name_key == vn_sort_key(org.name)
        assert org.child_counter >= children[org.pk]
        if org.parent_id is None:
            continue
        parent = orgs[org.parent_id]
        assert org.path[:-SEGMENT_WIDTH] == parent.path
        assert org.path[-SEGMENT_WIDTH:].isdigit() and len(org.path) == len(parent.path) + 5
        assert org.depth == parent.depth + 1
        assert int(org.segment) <= parent.child_counter
        expected_parent_kinds = {
            "dang-uy-tren-co-so": {"tinh-uy"},
            "dang-bo-co-so": {"dang-uy-tren-co-so"},
            "chi-bo-co-so": {"dang-uy-tren-co-so"},
            "chi-bo": {"dang-bo-co-so"},
        }[org.kind.code]
        assert parent.kind.code in expected_parent_kinds
    cell_ids = {pk for pk, o in orgs.items() if o.kind.is_cell}
    assert set(Member.objects.values_list("cell_id", flat=True)) <= cell_ids
    sizes = Organization.objects.filter(kind__is_cell=True).annotate(n=Count("members"))
    assert all(3 <= c.n <= 125 for c in sizes)


@pytest.mark.django_db
def test_seeded_members_pass_the_member_services_validation_with_derived_fields():
    _seed()
    members = list(Member.objects.all())
    assert members
    for m in members:
        assert m.full_name == clean_text(m.full_name)
        assert m.name_key == vn_sort_key(m.full_name)
        assert m.search_name == fold(m.full_name)
        assert len(m.card_number) == 12 and m.card_number.isdigit()
        member_validate({f: getattr(m, f) for f in EDITABLE_FIELDS}, exclude_pk=m.pk)
    cards = [m.card_number for m in members]
    assert len(set(cards)) == len(cards)
    cids = [m.citizen_id for m in members if m.citizen_id]
    assert len(set(cids)) == len(cids)


@pytest.mark.django_db
def test_each_member_has_one_open_period_matching_status_and_cell():
    _seed()
    periods: dict[int, list[MembershipPeriod]] = {}
    for p in MembershipPeriod.objects.order_by("valid_from", "id"):
        periods.setdefault(p.member_id, []).append(p)
    members = list(Member.objects.all())
    assert len(periods) == len(members)
    for m in members:
        history = periods[m.pk]
        open_ = [p for p in history if p.valid_to is None]
        assert len(open_) == 1
        assert (open_[0].status, open_[0].cell_id) == (m.status, m.cell_id)
        assert open_[0].valid_from == m.status_since
        assert history[0].change == "registered" and history[0].status == MemberStatus.ACTIVE
        if m.status != MemberStatus.ACTIVE or m.home_cell_id:
            assert len(history) == 2 and m.version == 2
            assert history[0].valid_to == history[1].valid_from
            assert history[0].cell_id == (m.home_cell_id or m.cell_id)
        else:
            assert len(history) == 1 and m.version == 1


def test_same_seed_gives_the_same_people_and_another_seed_others():
    def names(seed: int) -> list[str]:
        plan = make_plan("demo", seed)
        prov = plan.provinces[0]
        rows = generate_upper(
            plan=plan,
            prov=prov,
            upper=prov.uppers[0],
            parent_id=1,
            parent_path="00001",
            ids=Ids(org=1, member=1),
        )
        return [r[2] for r in rows.members]

    assert names(2024) == names(2024)
    assert names(2024) != names(7)


@pytest.mark.django_db
def test_demo_twice_adds_nothing_and_prints_every_login_again():
    first = _seed("demo")
    counts = (
        Organization.objects.count(),
        Member.objects.count(),
        MembershipPeriod.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
    )
    second = _seed("demo")
    assert counts == (
        Organization.objects.count(),
        Member.objects.count(),
        MembershipPeriod.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
    )
    assert "already complete" in second
    for username in ("admin", "tinhuy", "phuong", "giamsat", "bithu", "dangvien"):
        assert f"login: {username}" in first and f"login: {username}" in second
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in first
    # The demo's shape (DOMAIN.md) and its planted likely duplicates.
    kinds = Counter(Organization.objects.values_list("kind__code", flat=True))
    assert kinds["tinh-uy"] == 1 and kinds["dang-uy-tren-co-so"] == 3
    assert 15 <= kinds["dang-bo-co-so"] <= 30
    assert 90 <= kinds["chi-bo"] + kinds["chi-bo-co-so"] <= 150
    assert 2_700 <= counts[1] <= 3_400
    pairs = (
        Member.objects.values("search_name", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert pairs.count() >= 10
    secretary = User.objects.get(username="bithu")
    plain = User.objects.get(username="dangvien")
    grant = RoleGrant.objects.get(user=secretary, role=Role.SECRETARY)
    assert secretary.member.cell_id == grant.organization_id == plain.member.cell_id
    assert RoleGrant.objects.filter(
        user=plain, role=Role.MEMBER, organization=grant.organization
    ).exists()
    assert User.objects.get(username="admin").is_superuser
    # One open campaign running today, with the province's guidance, a ward committee's own
    # plan and a template per audience; the member of the demo sees it on the home page.
    from tusoi.campaigns.models import Campaign
    from tusoi.campaigns.selectors import campaigns_open_for_member
    from tusoi.reports.models import ReportTemplate

    campaign = Campaign.objects.get()
    assert campaign.status == "open"
    assert campaign.starts_on <= timezone.localdate() <= campaign.ends_on
    assert campaign.documents.count() == 2
    assert ReportTemplate.objects.filter(campaign=campaign).count() == 5
    assert list(campaigns_open_for_member(plain.member)) == [campaign]


@pytest.mark.django_db
def test_interrupted_run_resumes_after_the_last_finished_batch(monkeypatch):
    plan = make_plan("tiny", 2024)
    assert len(plan.batches) == 2
    real = runner.generate_upper

    def killed_in_second_batch(**kwargs):
        if kwargs["upper"].index == plan.batches[1].uppers[0]:
            raise KeyboardInterrupt
        return real(**kwargs)

    monkeypatch.setattr(runner, "generate_upper", killed_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        seed_run(scale="tiny")
    first = SeedBatch.objects.get()
    assert first.batch == 0
    assert Member.objects.count() == first.members > 0

    monkeypatch.setattr(runner, "generate_upper", real)
    result = seed_run(scale="tiny")
    assert result.complete and result.batches_written == 1
    assert Member.objects.count() == result.members == _planned_members("tiny")
    assert not Member.objects.values("card_number").annotate(n=Count("id")).filter(n__gt=1)
    root = Organization.objects.get(code="TINY")
    assert root.child_counter == 2
    assert Organization.objects.filter(parent=root).count() == 2


@pytest.mark.django_db
def test_stop_after_then_rerun_completes_with_the_same_totals():
    out = _seed(stop_after=1)
    assert "stopped after 1 batches" in out
    out = _seed()
    assert f"seed: tiny {_planned_members('tiny')} members" in out
    assert (
        not MembershipPeriod.objects.values("member")
        .annotate(n=Count("id", filter=Q(valid_to__isnull=True)))
        .exclude(n=1)
    )


@pytest.mark.django_db
def test_root_code_used_by_other_data_is_refused():
    make_org("Tỉnh ủy khác", kind_code="tinh-uy", code="TINY")
    with pytest.raises(CommandError, match="TINY"):
        _seed()
    assert not Member.objects.exists()
