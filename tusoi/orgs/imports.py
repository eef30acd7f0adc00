"""Importing and exporting the organisation tree as a workbook (code, name, kind, parent code).

The first half of this module is the plumbing every import shares (members and role grants
import it too, since orgs is the base of the app chain): the plan a validation returns, the
row reader that collects every problem instead of stopping at the first, and batched lookups.
`validate` never writes; `apply` writes a valid plan in one transaction, all or nothing.
"""

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Lookup, Q, Value
from django.db.models.functions import Concat, Lower, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record_many, diff, snapshot
from tusoi.core.events import publish
from tusoi.core.text import fold, vn_sort_key
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.services import _AUDITED
from tusoi.orgs.tree import MAX_SEGMENT, depth_of, segment, successor
from tusoi.tabular import CellError, Column, Row, Table, parse_bool, parse_date, parse_text

# SQLite's historical limit on bound parameters is 999; stay below it on every engine.
CHUNK = 900
BATCH = 2000
# PostgreSQL takes a whole list as one array parameter; plans stay cheap however long it is.
ANY_CHUNK = 20_000


# Shared by every import ------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would do: problems found, rows to create and update, rows unchanged."""

    kind: str
    root: Organization
    columns: list[Column]
    source_name: str = ""
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    day: datetime.date = field(default_factory=timezone.localdate)
    # Spec-specific lookups kept for `apply` (cell names, people …).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def done(self) -> "ImportPlan":
        """Problems in sheet order (row by row), however they were found."""
        self.errors.sort(key=lambda e: e.row)
        self.warnings.sort(key=lambda e: e.row)
        if self.errors:
            self.creates, self.updates = [], []
        return self

    def header(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), key)

    def error(self, row: int, key: str, value: Any, message: str) -> None:
        self.errors.append(CellError(row=row, column=key, value=value, message=message))

    def warn(self, row: int, key: str, value: Any, message: str) -> None:
        self.warnings.append(
            CellError(row=row, column=key, value=value, message=message, warning=True)
        )

    def describe(self, problem: CellError) -> str:
        """One console line: "dòng 5, cột Ngày sinh: 31/02/1980 — <message>"."""
        if problem.row == 0:
            return _("file: %(message)s") % {"message": problem.message}
        value = "" if problem.value is None else problem.value
        if not problem.column:
            return _("row %(row)s: %(message)s") % {"row": problem.row, "message": problem.message}
        return _("row %(row)s, column %(header)s: %(value)s — %(message)s") % {
            "row": problem.row,
            "header": self.header(problem.column),
            "value": value,
            "message": problem.message,
        }


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def resolved_columns(columns: Iterable[Column]) -> list[Column]:
    """The columns with their notes translated now (notes are lazy so the catalogue applies)."""
    return [replace(c, note=str(c.note)) for c in columns]


def as_text(value: Any) -> str:
    """A cell value as text: whole numbers without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _is_plain(text: str) -> bool:
    """Printable, no double or edge spaces: clean_text would return it unchanged."""
    return text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " "


# Yes/no cells repeat a handful of words; a failed parse raises, so only answers are cached.
_flag_value = functools.lru_cache(maxsize=1024)(parse_bool)


class RowReader:
    """Reads one row's cells into clean values, recording a problem for each bad cell."""

    __slots__ = ("bad", "number", "plan", "values")

    def __init__(self, plan: ImportPlan, row: Row):
        self.plan = plan
        self.number = row.number
        self.values = row.values
        self.bad = False

    def error(self, key: str, message: str, value: Any = None) -> None:
        self.bad = True
        self.plan.error(self.number, key, self.values.get(key) if value is None else value, message)

    def raw(self, key: str) -> Any:
        return self.values.get(key)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        raw = self.values.get(key)
        if raw is None or raw == "":
            if required:
                self.error(key, _("This value is required."))
            return ""
        if type(raw) is str and raw.isascii() and _is_plain(raw):
            # Clean ASCII text (most codes, numbers, e-mails): nothing to normalise, and
            # legacy-font text always has Latin-1 letters.
            value = raw
        else:
            try:
                value = parse_text(as_text(raw))  # cleaned: NFC, spaces folded
            except ValueError as exc:
                self.error(key, str(exc))
                return ""
        if not value and required:
            self.error(key, _("This value is required."))
        elif max_length and len(value) > max_length:
            self.error(key, _("At most %(n)s characters.") % {"n": max_length})
            return ""
        return value

    def date(
        self, key: str, *, required: bool = False, today: datetime.date | None = None
    ) -> datetime.date | None:
        raw = self.values.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.error(key, _("This value is required."))
            return None
        try:
            day = parse_date(raw)
        except ValueError as exc:
            self.error(key, str(exc))
            return None
        if today is not None and day > today:
            self.error(key, _("The date is in the future."))
            return None
        return day

    def flag(self, key: str) -> bool:
        raw = self.values.get(key)
        if raw is None or raw == "":
            return False
        try:
            return _flag_value(raw)
        except ValueError as exc:
            self.error(key, str(exc))
            return False


def check_scope(plan: ImportPlan, actor: Any, action: Action) -> bool:
    """No actor means the system (a command run with --as-system); anyone else needs `action`
    on the whole root."""
    if actor is None or scope_for(actor).covers(action, plan.root.path):
        return True
    plan.error(
        0,
        "",
        plan.root.code,
        _("You may not import into %(org)s (%(code)s).")
        % {"org": plan.root.name, "code": plan.root.code},
    )
    return False


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _AnyOf(Lookup):
    """PostgreSQL `column = ANY(%s)` with the list as one array parameter: an IN list of
    hundreds of parameters costs more to send and plan than the lookup itself."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


def matching(field: str, values: Iterable[Any]) -> Iterator[Any]:
    """Filters for `field` among `values`, batched for the engine: `filter(condition)` with
    each (IN lists of CHUNK on SQLite, one array per ANY_CHUNK values on PostgreSQL)."""
    if connection.vendor == "postgresql":
        for batch in chunks(values, ANY_CHUNK):
            yield _AnyOf(F(field), batch)
    else:
        for batch in chunks(values):
            yield Q(**{f"{field}__in": batch})


def duplicates_in_file(
    plan: ImportPlan, key: str, entries: Iterable[tuple[int, str, Any]], message: str
) -> set[int]:
    """Report every value used on several rows, on each of those rows, naming the other rows.
    `entries` are (row number, comparison key, value shown); returns the rows involved."""
    seen: dict[str, list[tuple[int, Any]]] = {}
    for number, norm, value in entries:
        if norm:
            seen.setdefault(norm, []).append((number, value))
    bad: set[int] = set()
    for rows in seen.values():
        if len(rows) < 2:
            continue
        for number, value in rows:
            others = ", ".join(str(n) for n, _v in rows if n != number)
            plan.error(number, key, value, message % {"value": value, "rows": others})
            bad.add(number)
    return bad


def orgs_by_code(codes: Iterable[str], fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Organisations whose code matches one of `codes` ignoring case, keyed by lower-case code;
    exact matches in indexed batches first, a case-insensitive pass only for the rest."""
    wanted = {c for c in codes if c}
    out: dict[str, dict[str, Any]] = {}
    for batch in chunks(sorted(wanted)):
        for row in Organization.objects.filter(code__in=batch).values("code", *fields):
            out[row["code"].lower()] = row
    rest = {c.lower() for c in wanted} - set(out)
    for batch in chunks(sorted(rest)):
        qs = Organization.objects.annotate(code_lower=Lower("code")).filter(code_lower__in=batch)
        for row in qs.values("code", *fields):
            out[row["code"].lower()] = row
    return out


def in_subtree(path: str, root: Organization) -> bool:
    return path.startswith(root.path)


def report(progress: Any, method: str, *args: Any) -> None:
    if progress is not None:
        getattr(progress, method)(*args)


# Organisations ---------------------------------------------------------------------------------

COLUMNS = [
    Column(
        "code",
        "Mã tổ chức",
        required=True,
        kind="code",
        note=gettext_lazy("Unique code of the organisation, e.g. TU-001-05."),
        aliases=("Mã", "code"),
    ),
    Column(
        "name",
        "Tên tổ chức",
        required=True,
        note=gettext_lazy("Full name, e.g. Chi bộ khu phố 1."),
        aliases=("Tên", "name"),
    ),
    Column(
        "kind",
        "Loại tổ chức",
        required=True,
        kind="choice",
        note=gettext_lazy(
            "Kind of organisation, by name or code: Đảng ủy cấp trên cơ sở, Đảng bộ cơ sở, "
            "Chi bộ cơ sở, Chi bộ trực thuộc …"
        ),
        aliases=("Loại", "kind"),
    ),
    Column(
        "parent_code",
        "Mã tổ chức cấp trên",
        required=True,
        kind="code",
        note=gettext_lazy(
            "Code of the organisation directly above: the organisation you import into, or "
            "another row of this file. Empty only on the row of the organisation you import "
            "into."
        ),
        aliases=("Mã cấp trên", "parent_code", "parent"),
    ),
]


@dataclass
class OrgItem:
    """One planned organisation: created (org is None) or changed (org is the stored one)."""

    row: int
    code: str
    name: str
    kind: OrgKind
    parent_key: str | None  # lower-case code of the parent in the final tree
    depth: int
    org: Organization | None = None
    move: bool = False


def _kind_lookup() -> Callable[[str], OrgKind | None]:
    kinds = list(OrgKind.objects.all())
    by_code = {k.code.lower(): k for k in kinds}
    by_name: dict[str, OrgKind | None] = {}
    for k in kinds:
        key = fold(k.name)
        by_name[key] = None if key in by_name else k  # an ambiguous name matches nothing

    def find(text: str) -> OrgKind | None:
        return by_code.get(text.lower()) or by_name.get(fold(text))

    return find


def validate(table: Table, *, root: Organization, actor: Any) -> ImportPlan:  # noqa: C901
    """Check every row (nothing written): codes unique, kinds known, every parent found in the
    file or inside `root`, no cycles, no organisation moved under its own descendant."""
    plan = ImportPlan(
        kind="orgs",
        root=root,
        columns=COLUMNS,
        source_name=table.source_name,
        rows=len(table.rows),
    )
    if not check_scope(plan, actor, Action.EDIT_ORGS):
        return plan.done()
    find_kind = _kind_lookup()
    root_key = root.code.lower()
    subtree = {
        o.code.lower(): o
        for o in Organization.objects.filter(
            path__gte=root.path, path__lt=successor(root.path)
        ).select_related("kind", "parent")
    }
    by_id = {o.pk: o for o in subtree.values()}

    parsed: list[tuple[int, str, str, OrgKind | None, str]] = []
    bad_rows: set[int] = set()
    for row in table.rows:
        read = RowReader(plan, row)
        code = read.text("code", required=True, max_length=40)
        name = read.text("name", required=True, max_length=255)
        kind_text = read.text("kind", required=True)
        kind = find_kind(kind_text) if kind_text else None
        if kind_text and kind is None:
            read.error("kind", _("Unknown kind of organisation."))
        parent = read.text("parent_code", max_length=40)
        if code and code.lower() == root_key:
            current = root.parent.code.lower() if root.parent else ""
            if parent and parent.lower() != current:
                read.error(
                    "parent_code",
                    _("This row is the organisation you import into; it cannot be moved here."),
                )
        elif not parent and code:
            read.error("parent_code", _("This value is required."))
        elif parent and parent.lower() == code.lower():
            read.error("parent_code", _("An organisation cannot be its own parent."))
        if read.bad:
            bad_rows.add(row.number)
        parsed.append((row.number, code, name, kind, parent))

    bad_rows |= duplicates_in_file(
        plan,
        "code",
        ((n, code.lower(), code) for n, code, *_rest in parsed),
        _("Code %(value)s appears more than once in the file (also rows %(rows)s)."),
    )
    file_parent = {
        code.lower(): parent.lower() for _n, code, _name, _kind, parent in parsed if code
    }

    # Codes that exist outside the root: neither usable as a new code nor as a parent.
    unknown = {code for _n, code, *_r in parsed if code and code.lower() not in subtree}
    unknown |= {
        parent
        for *_r, parent in parsed
        if parent and parent.lower() not in subtree and parent.lower() not in file_parent
    }
    outside = orgs_by_code(unknown, ("path",))
    for number, code, _name, _kind, parent in parsed:
        if code and code.lower() in outside and code.lower() not in subtree:
            plan.error(
                number,
                "code",
                code,
                _("Code %(code)s belongs to an organisation outside the scope of this import.")
                % {"code": code},
            )
            bad_rows.add(number)
        if not parent or code.lower() == root_key:
            continue
        key = parent.lower()
        if key in file_parent or key in subtree:
            continue
        if key in outside:
            message = _(
                "Parent %(code)s is outside %(root)s, the organisation you import into."
            ) % {"code": parent, "root": root.code}
        else:
            message = _(
                "No organisation with code %(code)s, neither in this file nor under %(root)s."
            ) % {"code": parent, "root": root.code}
        plan.error(number, "parent_code", parent, message)
        bad_rows.add(number)

    # Final parent of every node: the file's word for its rows, the database for the others.
    def parent_of(key: str) -> str | None:
        if key == root_key:
            return None
        if key in file_parent:
            return file_parent[key] or None
        org = subtree.get(key)
        if org is None or org.parent_id not in by_id:
            return None
        return by_id[org.parent_id].code.lower()

    depths: dict[str, int] = {root_key: root.depth}
    broken: dict[str, list[str] | None] = {}  # key -> its loop, or None: hangs under a loop
    for start in file_parent:
        trail: list[str] = []
        node: str | None = start
        while node is not None and node not in depths and node not in broken:
            if node in trail:
                at = trail.index(node)
                loop = trail[at:]
                for key in loop:
                    broken[key] = loop
                trail = trail[:at]
                node = loop[0]
                break
            trail.append(node)
            node = parent_of(node)
        if node is not None and node in depths:
            depth = depths[node]
            for key in reversed(trail):
                depth += 1
                depths[key] = depth
        elif node is not None:  # above it is a loop
            for key in trail:
                broken.setdefault(key, None)
        # node is None: the chain ends at an unknown parent, already reported on its row.
    rows_by_key = {code.lower(): n for n, code, *_r in parsed if code}
    shown = {code.lower(): code for _n, code, *_r in parsed if code}
    for key, loop in broken.items():
        number = rows_by_key.get(key)
        if number is None or key not in file_parent or number in bad_rows:
            continue
        if loop and all(k in file_parent for k in loop):
            names = " → ".join(shown[k] for k in [*loop, loop[0]])
            message = _("The parents of these rows form a loop: %(loop)s.") % {"loop": names}
        elif loop:
            message = _("An organisation cannot be moved under one of its own descendants.")
        else:
            message = _("This row hangs under an organisation that is part of a loop.")
        plan.error(number, "parent_code", file_parent[key], message)
        bad_rows.add(number)

    # Plan creates, changes and moves; a cell that still has members keeps being a cell.
    uncelled: list[OrgItem] = []
    for number, code, name, kind, parent in parsed:
        if number in bad_rows or kind is None:
            continue
        key = code.lower()
        parent_key = None if key == root_key else parent.lower()
        item = OrgItem(number, code, name, kind, parent_key, depths.get(key, 0))
        existing = subtree.get(key)
        if existing is None:
            plan.creates.append(item)
            continue
        item.org = existing
        old_parent = by_id.get(existing.parent_id)
        item.move = parent_key is not None and (
            old_parent is None or old_parent.code.lower() != parent_key
        )
        if item.move:
            new_parent = subtree.get(parent_key)
            plan.warn(
                number,
                "parent_code",
                parent,
                _("moves from %(old)s to %(new)s")
                % {
                    "old": old_parent.name if old_parent else "—",
                    "new": new_parent.name if new_parent else parent,
                },
            )
        changed = item.move or existing.name != name or existing.kind_id != kind.pk
        if not changed:
            plan.unchanged += 1
            continue
        if existing.kind.is_cell and not kind.is_cell:
            uncelled.append(item)
        plan.updates.append(item)
    if uncelled:
        from tusoi.members.models import Member  # members import orgs, not the reverse

        with_members = set(
            Member.objects.filter(cell_id__in=[i.org.pk for i in uncelled])
            .values_list("cell_id", flat=True)
            .distinct()
        )
        for item in uncelled:
            if item.org.pk in with_members:
                plan.error(
                    item.row,
                    "kind",
                    item.kind.name,
                    _("This cell still has members; move them before changing its kind."),
                )
    if plan.errors:
        plan.creates, plan.updates = [], []
    return plan.done()


def _ensure_valid(plan: ImportPlan) -> None:
    if plan.errors:
        raise ValidationError(_("The file has errors; nothing was imported."))


def _stale() -> ValidationError:
    return ValidationError(
        _("The data changed after the file was checked; check the file again, then import it.")
    )


@transaction.atomic
def apply(plan: ImportPlan, *, actor: Any, progress: Any = None) -> ImportResult:  # noqa: C901
    """Write a valid plan: parents before children, paths from each parent's counter (as
    organization_create does), moves as one range UPDATE each, audit rows in bulk."""
    _ensure_valid(plan)
    root = plan.root
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    note = _("Imported from %(file)s") % {"file": plan.source_name or "?"}
    nodes = {
        o.code.lower(): o
        for o in Organization.objects.select_for_update(of=("self",))
        .filter(path__gte=root.path, path__lt=successor(root.path))
        .select_related("kind", "parent")
    }
    items = sorted([*plan.creates, *plan.updates], key=lambda i: i.depth)
    report(progress, "total", len(items))
    dirty_counters: dict[int, Organization] = {}
    events: list[AuditEvent] = []
    changed: list[Organization] = []
    now = timezone.now()

    def next_path(parent: Organization) -> str:
        if parent.child_counter >= MAX_SEGMENT:
            raise ValidationError(
                _("%(org)s cannot take more sub-organisations.") % {"org": parent.name}
            )
        parent.child_counter += 1
        dirty_counters[parent.pk] = parent
        return parent.path + segment(parent.child_counter)

    depth_levels = sorted({i.depth for i in items})
    for level in depth_levels:
        new: list[Organization] = []
        for item in (i for i in items if i.depth == level):
            parent = nodes.get(item.parent_key) if item.parent_key else None
            if item.parent_key and parent is None:
                raise _stale()
            if item.org is None:
                if item.code.lower() in nodes:
                    raise _stale()
                path = next_path(parent)
                org = Organization(
                    code=item.code,
                    name=item.name,
                    kind=item.kind,
                    parent=parent,
                    path=path,
                    depth=depth_of(path),
                    name_key=vn_sort_key(item.name),
                )
                nodes[item.code.lower()] = org
                new.append(org)
                continue
            org = nodes.get(item.code.lower())
            if org is None:
                raise _stale()
            before = snapshot(org, _AUDITED)
            if item.move and parent is not None and org.parent_id != parent.pk:
                if parent.path.startswith(org.path):
                    raise _stale()
                old_path, old_parent = org.path, org.parent
                new_path = next_path(parent)
                shift = depth_of(new_path) - org.depth
                Organization.objects.filter(
                    path__gte=old_path, path__lt=successor(old_path)
                ).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + shift,
                )
                for other in nodes.values():
                    if other.pk and other.path.startswith(old_path):
                        other.path = new_path + other.path[len(old_path) :]
                        other.depth += shift
                Organization.objects.filter(pk=org.pk).update(parent=parent)
                org.parent = parent
                events.append(
                    AuditEvent(
                        actor_id=actor_id,
                        action=AuditEvent.Action.MOVE,
                        target_type="orgs.organization",
                        target_id=org.pk,
                        target_repr=str(org)[:300],
                        organization_id=org.pk,
                        changes={"parent": [str(old_parent) if old_parent else None, str(parent)]},
                        note=note,
                    )
                )
            org.name = item.name
            org.kind = item.kind
            org.name_key = vn_sort_key(item.name)
            org.updated_at = now
            changes = {
                k: v for k, v in diff(before, snapshot(org, _AUDITED)).items() if k != "parent"
            }
            if changes:
                changed.append(org)
                events.append(
                    AuditEvent(
                        actor_id=actor_id,
                        action=AuditEvent.Action.UPDATE,
                        target_type="orgs.organization",
                        target_id=org.pk,
                        target_repr=str(org)[:300],
                        organization_id=org.pk,
                        changes=changes,
                        note=note,
                    )
                )
        Organization.objects.bulk_create(new, batch_size=BATCH)
        events.extend(
            AuditEvent(
                actor_id=actor_id,
                action=AuditEvent.Action.CREATE,
                target_type="orgs.organization",
                target_id=org.pk,
                target_repr=str(org)[:300],
                organization_id=org.pk,
                changes=diff({}, snapshot(org, _AUDITED)),
                note=note,
            )
            for org in new
        )
        report(progress, "advance", sum(1 for i in items if i.depth == level))
    if changed:
        Organization.objects.bulk_update(
            changed, ["name", "kind", "name_key", "updated_at"], batch_size=500
        )
    if dirty_counters:
        Organization.objects.bulk_update(
            list(dirty_counters.values()), ["child_counter"], batch_size=500
        )
    audit_record_many(events)
    publish("subtree_changed", path=root.path)
    return ImportResult(
        created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged
    )


def export_rows(root: Organization) -> Iterator[dict[str, Any]]:
    """The subtree in import format, parents before children (ordered by path)."""
    qs = (
        Organization.objects.filter(path__gte=root.path, path__lt=successor(root.path))
        .order_by("path")
        .values_list("code", "name", "kind__name", "parent__code", "path")
    )
    for code, name, kind_name, parent_code, path in qs.iterator(chunk_size=2000):
        yield {
            "code": code,
            "name": name,
            "kind": kind_name,
            "parent_code": "" if path == root.path else parent_code,
        }
