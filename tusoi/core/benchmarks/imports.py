"""`tusoi bench import`: a realistic members workbook (the seed generator's names, dates and
cells), its organisations imported first, then the members' read, validation and apply timed
on the database in DATABASE_URL."""

import datetime
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tusoi.audit.models import AuditEvent
from tusoi.core.seeding.generator import (
    MEMBER_COLUMNS,
    REFERENCE_DAY,
    Ids,
    generate_upper,
    make_plan,
)
from tusoi.members.imports import GENDER_WORDS, LIFE_WORDS
from tusoi.members.models import Member, MembershipPeriod
from tusoi.orgs.imports import resolved_columns
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.services import organization_create
from tusoi.orgs.tree import successor

ROOT_CODE = "BENCH"
ROOT_NAME = "Tỉnh ủy Đo Đạc"
_M = {name: i for i, name in enumerate(MEMBER_COLUMNS)}


@dataclass(frozen=True)
class BenchResult:
    rows: int
    seconds: float
    read_seconds: float
    validate_seconds: float
    apply_seconds: float
    peak_mb: float


def peak_memory_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(organisation rows, member rows) in import format, from the province-scale generator."""
    plan = make_plan("province", seed)
    prov = plan.provinces[0]
    ids = Ids(org=1, member=1)
    today = timezone.localdate()
    # The generator's dates end on its reference day; keep every date in the past.
    shift = max(0, (REFERENCE_DAY - today).days + 1)
    orgs: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    codes: dict[int, str] = {0: ROOT_CODE}
    prefix = plan.root_code

    def code(raw: str) -> str:
        return ROOT_CODE + raw[len(prefix) :] if raw.startswith(prefix) else raw

    def day(iso: str | None) -> datetime.date | None:
        if not iso:
            return None
        return datetime.date.fromisoformat(iso) - datetime.timedelta(days=shift)

    for upper in prov.uppers:
        if len(members) >= rows:
            break
        out = generate_upper(
            plan=plan, prov=prov, upper=upper, parent_id=0, parent_path="00001", ids=ids
        )
        for org_id, raw_code, name, kind, parent_id, *_rest in out.orgs:
            codes[org_id] = code(raw_code)
            orgs.append(
                {
                    "code": codes[org_id],
                    "name": name,
                    "kind": kind,
                    "parent_code": codes[parent_id],
                }
            )
        for m in out.members:
            if len(members) >= rows:
                break
            members.append(
                {
                    "card_number": m[_M["card_number"]],
                    "full_name": m[_M["full_name"]],
                    "birth_date": day(m[_M["birth_date"]]),
                    "gender": GENDER_WORDS[m[_M["gender"]]],
                    "citizen_id": m[_M["citizen_id"]],
                    "phone": m[_M["phone"]],
                    "email": m[_M["email"]],
                    "admitted_on": day(m[_M["admitted_on"]]),
                    "official_on": day(m[_M["official_on"]]),
                    "cell_code": codes[m[_M["cell_id"]]],
                    "job": m[_M["job"]],
                    "position": m[_M["position"]],
                    "is_leader": "có" if m[_M["is_leader"]] else "không",
                    "life_situation": LIFE_WORDS.get(m[_M["life_situation"]], ""),
                    "works_away": "có" if m[_M["works_away"]] else "không",
                    "elderly_frail": "có" if m[_M["elderly_frail"]] else "không",
                }
            )
    return orgs, members


def remove_bench_data() -> None:
    """Drop what an earlier run left (the BENCH subtree, its members, history and audit)."""
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    with transaction.atomic():
        orgs = Organization.objects.filter(path__gte=root.path, path__lt=successor(root.path))
        org_ids = list(orgs.values_list("id", flat=True))
        members = Member.objects.filter(cell_id__in=orgs.values("id"))
        periods = MembershipPeriod.objects.filter(member__in=members.values("id"))
        events = AuditEvent.objects.filter(organization_id__in=orgs.values("id"))
        for qs in (events, periods):
            qs._raw_delete(qs.db)
        members._raw_delete(members.db)
        # Children before parents: parent is a protected foreign key.
        for depth in sorted(set(orgs.values_list("depth", flat=True)), reverse=True):
            level = Organization.objects.filter(id__in=org_ids, depth=depth)
            level._raw_delete(level.db)


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "∞"


def run_import_bench(
    *, rows: int, keep: bool = False, seed: int = 2024, out: Callable[[str], None] = print
) -> BenchResult:
    from tusoi.members import imports as member_spec
    from tusoi.orgs import imports as org_spec
    from tusoi.tabular import read_table, write_xlsx

    name = connection.settings_dict["NAME"]
    out(f"bench import: {rows} member rows on {connection.vendor} ({name})")
    remove_bench_data()
    t = time.perf_counter()
    org_rows, member_rows = generate(rows, seed)
    cells = sum(1 for o in org_rows if o["kind"] in ("chi-bo", "chi-bo-co-so"))
    out(
        f"generate: {len(member_rows)} members, {len(org_rows)} organisations "
        f"({cells} cells) in {time.perf_counter() - t:.1f} s"
    )
    org_columns = resolved_columns(org_spec.COLUMNS)
    member_columns = resolved_columns(member_spec.COLUMNS)
    with tempfile.TemporaryDirectory(prefix="tusoi-bench-") as tmp:
        t = time.perf_counter()
        org_file = Path(tmp) / "to-chuc.xlsx"
        member_file = Path(tmp) / "dang-vien.xlsx"
        org_file.write_bytes(write_xlsx(org_columns, org_rows, title="Tổ chức"))
        member_file.write_bytes(write_xlsx(member_columns, member_rows, title="Đảng viên"))
        size = member_file.stat().st_size / 1_048_576
        out(f"workbooks: written in {time.perf_counter() - t:.1f} s (members {size:.1f} MB)")
        del org_rows, member_rows

        root = Organization.objects.filter(code=ROOT_CODE).first()
        if root is None:
            root = organization_create(
                actor=None,
                code=ROOT_CODE,
                name=ROOT_NAME,
                kind=OrgKind.objects.get(code="tinh-uy"),
                parent=None,
            )
        t = time.perf_counter()
        table = read_table(org_file.read_bytes(), org_file.name, org_columns)
        plan = org_spec.validate(table, root=root, actor=None)
        if plan.errors:
            raise RuntimeError("; ".join(plan.describe(e) for e in plan.errors[:5]))
        result = org_spec.apply(plan, actor=None)
        seconds = time.perf_counter() - t
        out(
            f"organisations: {result.created} created in {seconds:.1f} s "
            f"({_rate(plan.rows, seconds)} rows/s)"
        )

        started = time.perf_counter()
        table = read_table(member_file.read_bytes(), member_file.name, member_columns)
        read_seconds = time.perf_counter() - started
        out(
            f"read: {len(table.rows)} rows in {read_seconds:.1f} s "
            f"({_rate(len(table.rows), read_seconds)} rows/s)"
        )
        t = time.perf_counter()
        plan = member_spec.validate(table, root=root, actor=None)
        validate_seconds = time.perf_counter() - t
        out(
            f"validate: {plan.rows} rows in {validate_seconds:.1f} s "
            f"({_rate(plan.rows, validate_seconds)} rows/s), {len(plan.errors)} errors, "
            f"{len(plan.warnings)} warnings"
        )
        if plan.errors:
            raise RuntimeError("; ".join(plan.describe(e) for e in plan.errors[:5]))
        del table
        t = time.perf_counter()
        result = member_spec.apply(plan, actor=None)
        apply_seconds = time.perf_counter() - t
        out(
            f"apply: {result.created} created, {result.updated} updated in {apply_seconds:.1f} s "
            f"({_rate(plan.rows, apply_seconds)} rows/s)"
        )
        total = time.perf_counter() - started
        rows_done = plan.rows
        del plan
    peak = peak_memory_mb()
    out(f"peak memory: {peak:.0f} MB")
    if not keep:
        t = time.perf_counter()
        remove_bench_data()
        out(f"cleanup: bench data removed in {time.perf_counter() - t:.1f} s (--keep keeps it)")
    out(f"import: {rows_done} rows in {total:.1f} s ({_rate(rows_done, total)} rows/s)")
    return BenchResult(rows_done, total, read_seconds, validate_seconds, apply_seconds, peak)
