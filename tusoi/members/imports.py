"""Importing and exporting the member registry as a workbook, one row per member.

A card number that exists updates that member (only inside the import's root); a new one
creates a member with a REGISTERED period from the import date; a member whose cell changes
gets a MOVED period, as member_change_status records it. Sort key and folded search name are
derived exactly as the member services derive them.
"""

import datetime
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tusoi.audit.models import AuditEvent
from tusoi.core.bulk import BulkTable, db_now, insert_rows
from tusoi.core.events import publish
from tusoi.core.text import fold, vn_sort_key
from tusoi.members.models import (
    ChangeKind,
    Gender,
    LifeSituation,
    Member,
    MembershipPeriod,
    MemberStatus,
)
from tusoi.members.services import EDITABLE_FIELDS, _add_years
from tusoi.orgs.imports import (
    ANY_CHUNK,
    BATCH,
    ImportPlan,
    ImportResult,
    RowReader,
    _ensure_valid,
    _stale,
    check_scope,
    chunks,
    duplicates_in_file,
    matching,
    orgs_by_code,
    report,
)
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action
from tusoi.orgs.tree import successor
from tusoi.tabular import Column, Table

# The workbook's own words for choices: the import format is Vietnamese whatever the language
# of the page, so these are data, not interface text.
GENDER_WORDS = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
LIFE_WORDS = {
    LifeSituation.RETIRED: "hưu trí",
    LifeSituation.NON_STATE_WORKER: "công nhân doanh nghiệp ngoài nhà nước",
    LifeSituation.FREE_LABOURER: "lao động tự do",
}
_GENDERS = {fold(w): g for g, w in GENDER_WORDS.items()} | {g.value: g for g in Gender}
_LIFE = {fold(w): v for v, w in LIFE_WORDS.items()} | {v.value: v for v in LifeSituation if v.value}
_LIFE |= {"cong nhan": LifeSituation.NON_STATE_WORKER, "huu": LifeSituation.RETIRED}
_CARD = re.compile(r"[0-9A-Za-z./-]{4,20}")
_CITIZEN_ID = re.compile(r"\d{9}|\d{12}")
_PHONE = re.compile(r"\+?[0-9 .-]{8,20}")
# Choice cells repeat a few words: fold each once.
_fold_word = functools.lru_cache(maxsize=4096)(fold)

COLUMNS = [
    Column(
        "card_number",
        "Số thẻ đảng viên",
        required=True,
        kind="code",
        note=gettext_lazy("Party card number (4 to 20 letters or digits); it identifies the row."),
        aliases=("Số thẻ", "card_number"),
    ),
    Column("full_name", "Họ và tên", required=True, aliases=("Họ tên", "full_name")),
    Column(
        "birth_date",
        "Ngày sinh",
        required=True,
        kind="date",
        note=gettext_lazy("dd/mm/yyyy"),
        aliases=("birth_date",),
    ),
    Column(
        "gender",
        "Giới tính",
        required=True,
        kind="choice",
        note=gettext_lazy("Nam or Nữ"),
        aliases=("gender",),
    ),
    Column(
        "citizen_id",
        "Số CCCD",
        note=gettext_lazy("Citizen ID number: 12 digits (old cards: 9)."),
        aliases=("Số căn cước", "CCCD", "citizen_id"),
    ),
    Column("phone", "Số điện thoại", aliases=("Điện thoại", "phone")),
    Column("email", "Thư điện tử", aliases=("Email", "email")),
    Column(
        "admitted_on",
        "Ngày vào Đảng",
        required=True,
        kind="date",
        note=gettext_lazy("dd/mm/yyyy; at least 18 years after the date of birth."),
        aliases=("admitted_on",),
    ),
    Column(
        "official_on",
        "Ngày chính thức",
        kind="date",
        note=gettext_lazy("dd/mm/yyyy; empty while probationary."),
        aliases=("official_on",),
    ),
    Column(
        "cell_code",
        "Mã chi bộ",
        required=True,
        kind="code",
        note=gettext_lazy("Code of the member's cell, inside the organisation you import into."),
        aliases=("cell_code",),
    ),
    Column("job", "Nghề nghiệp", aliases=("job",)),
    Column("position", "Chức vụ", aliases=("position",)),
    Column(
        "is_leader",
        "Cán bộ lãnh đạo, quản lý",
        kind="bool",
        note=gettext_lazy("có or không"),
        aliases=("Lãnh đạo, quản lý", "is_leader"),
    ),
    Column(
        "life_situation",
        "Hoàn cảnh",
        kind="choice",
        note=gettext_lazy(
            "hưu trí, công nhân doanh nghiệp ngoài nhà nước, lao động tự do, or empty."
        ),
        aliases=("life_situation",),
    ),
    Column(
        "works_away",
        "Đi làm ăn xa",
        kind="bool",
        note=gettext_lazy("có or không"),
        aliases=("works_away",),
    ),
    Column(
        "elderly_frail",
        "Cao tuổi, sức yếu",
        kind="bool",
        note=gettext_lazy("có or không"),
        aliases=("elderly_frail",),
    ),
]

_STORED = (
    "id",
    "version",
    "cell_id",
    "cell__path",
    "cell__name",
    "status",
    "status_since",
    "home_cell_id",
    *EDITABLE_FIELDS,
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _read_row(plan: ImportPlan, row: Any, today: datetime.date) -> dict[str, Any]:  # noqa: C901
    read = RowReader(plan, row)
    card = read.text("card_number", required=True).replace(" ", "")
    if card and not _CARD.fullmatch(card):
        read.error("card_number", _("A party card number has 4 to 20 letters or digits."))
    full_name = read.text("full_name", required=True, max_length=200)
    birth = read.date("birth_date", required=True, today=today)
    gender_text = read.text("gender", required=True)
    gender = _GENDERS.get(_fold_word(gender_text)) if gender_text else ""
    if gender_text and not gender:
        read.error("gender", _("Write Nam or Nữ."))
    citizen_id = read.text("citizen_id").replace(" ", "")
    if citizen_id and not _CITIZEN_ID.fullmatch(citizen_id):
        read.error("citizen_id", _("A citizen ID number has 12 digits (old cards: 9)."))
    phone = read.text("phone", max_length=20)
    if phone and not _PHONE.fullmatch(phone):
        read.error("phone", _("Enter a phone number of 8 to 15 digits."))
    email = read.text("email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            read.error("email", _("Enter a valid e-mail address."))
    admitted = read.date("admitted_on", required=True, today=today)
    official = read.date("official_on", today=today)
    if birth and admitted:
        if admitted <= birth:
            read.error("admitted_on", _("The admission date must be after the date of birth."))
        elif admitted < _add_years(birth, 18):
            read.error("admitted_on", _("A member is admitted at 18 or older; check both dates."))
    if official and admitted and official < admitted:
        read.error("official_on", _("The official date cannot be before admission."))
    cell_code = read.text("cell_code", required=True, max_length=40)
    job = read.text("job", max_length=200)
    position = read.text("position", max_length=200)
    is_leader = read.flag("is_leader")
    life_text = read.text("life_situation")
    life = _LIFE.get(_fold_word(life_text), None) if life_text else ""
    if life is None:
        read.error(
            "life_situation",
            _(
                "Write hưu trí, công nhân doanh nghiệp ngoài nhà nước, lao động tự do, "
                "or leave it empty."
            ),
        )
    works_away = read.flag("works_away")
    elderly_frail = read.flag("elderly_frail")
    return {
        "row": row.number,
        "bad": read.bad,
        "cell_code": cell_code,
        "card_number": card,
        "full_name": full_name,
        "birth_date": birth,
        "gender": str(gender),
        "citizen_id": citizen_id,
        "phone": phone,
        "email": email,
        "admitted_on": admitted,
        "official_on": official,
        "job": job,
        "position": position,
        "is_leader": is_leader,
        "life_situation": str(life),
        "works_away": works_away,
        "elderly_frail": elderly_frail,
    }


def validate(table: Table, *, root: Organization, actor: Any) -> ImportPlan:  # noqa: C901
    """Check every row (nothing written): required values, dates, duplicates in the file and
    against the registry, cells inside `root`; warn about likely duplicate people and moves."""
    plan = ImportPlan(
        kind="members",
        root=root,
        columns=COLUMNS,
        source_name=table.source_name,
        rows=len(table.rows),
    )
    if not check_scope(plan, actor, Action.EDIT_MEMBERS):
        return plan.done()
    today = plan.day
    # Rows with a bad cell still go through the checks below, so every problem is listed.
    rows = [_read_row(plan, row, today) for row in table.rows]
    bad = {data["row"] for data in rows if data["bad"]}

    # Duplicates inside the file: every row involved names the others.
    raw_cards = []
    raw_ids = []
    for row in table.rows:
        card = str(row.values.get("card_number") or "").strip().replace(" ", "")
        if card.endswith(".0"):
            card = card[:-2]
        raw_cards.append((row.number, card, card))
        cid = str(row.values.get("citizen_id") or "").strip().replace(" ", "")
        raw_ids.append((row.number, cid.removesuffix(".0"), cid.removesuffix(".0")))
    bad |= duplicates_in_file(
        plan,
        "card_number",
        raw_cards,
        _("Card number %(value)s appears more than once in the file (also rows %(rows)s)."),
    )
    bad |= duplicates_in_file(
        plan,
        "citizen_id",
        raw_ids,
        _("Citizen ID %(value)s appears more than once in the file (also rows %(rows)s)."),
    )

    # Cells: by code, each a cell inside the root.
    cells = orgs_by_code({r["cell_code"] for r in rows}, ("id", "path", "name", "kind__is_cell"))
    for data in rows:
        if not data["cell_code"]:
            continue
        cell = cells.get(data["cell_code"].lower())
        message = None
        if cell is None:
            message = _("No organisation has code %(code)s.")
        elif not cell["path"].startswith(root.path):
            message = _("%(code)s is outside the organisation you import into.")
        elif not cell["kind__is_cell"]:
            message = _("%(code)s is not a cell; members belong to cells.")
        if message:
            plan.error(
                data["row"], "cell_code", data["cell_code"], message % {"code": data["cell_code"]}
            )
            bad.add(data["row"])
        else:
            data["cell_id"] = cell["id"]

    # The registry: members by card number, citizen IDs held by others.
    existing: dict[str, dict[str, Any]] = {}
    for condition in matching("card_number", [r["card_number"] for r in rows if r["card_number"]]):
        for stored in Member.objects.filter(condition).values(*_STORED):
            existing[stored["card_number"]] = stored
    holders = _citizen_id_holders([r["citizen_id"] for r in rows if r["citizen_id"]])
    for data in rows:
        stored = existing.get(data["card_number"]) if data["card_number"] else None
        if stored is not None and not stored["cell__path"].startswith(root.path):
            plan.error(
                data["row"],
                "card_number",
                data["card_number"],
                _("This card number already belongs to a member outside the scope of this import."),
            )
            bad.add(data["row"])
        holder = holders.get(data["citizen_id"])
        if holder is not None and holder != data["card_number"]:
            plan.error(
                data["row"],
                "citizen_id",
                data["citizen_id"],
                _("This citizen ID number belongs to another member (card %(card)s).")
                % {"card": holder},
            )
            bad.add(data["row"])

    _warn_likely_duplicates(plan, rows)
    if plan.errors:
        return plan.done()

    cell_names = {c["id"]: c["name"] for c in cells.values()}
    plan.extra["cell_names"] = cell_names
    for data in rows:
        stored = existing.get(data["card_number"])
        if stored is None:
            plan.creates.append(data)
            continue
        changes = {
            name: [_plain(stored[name]), _plain(data[name])]
            for name in EDITABLE_FIELDS
            if stored[name] != data[name]
        }
        if stored["cell_id"] != data["cell_id"]:
            changes["cell"] = [stored["cell__name"], cell_names[data["cell_id"]]]
            plan.warn(
                data["row"],
                "cell_code",
                data["cell_code"],
                _("moves from cell %(old)s to cell %(new)s")
                % {"old": stored["cell__name"], "new": cell_names[data["cell_id"]]},
            )
        if not changes:
            plan.unchanged += 1
            continue
        data["stored"] = stored
        data["changes"] = changes
        plan.updates.append(data)
    return plan.done()


def _citizen_id_holders(citizen_ids: list[str]) -> dict[str, str]:
    """{citizen ID: card number} of the members holding them. The literal `<> ''` lets both
    engines use the partial unique index (a bound parameter would not match its condition)."""
    sql = f"SELECT citizen_id, card_number FROM {Member._meta.db_table} WHERE "  # noqa: S608
    holders: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for batch in chunks(citizen_ids, ANY_CHUNK):
                cursor.execute(sql + "citizen_id = ANY(%s) AND NOT (citizen_id = '')", [batch])
                holders.update(cursor.fetchall())
            return holders
        for batch in chunks(citizen_ids):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(sql + f"citizen_id IN ({marks}) AND NOT (citizen_id = '')", batch)
            holders.update(cursor.fetchall())
    return holders


def _warn_likely_duplicates(plan: ImportPlan, rows: list[dict[str, Any]]) -> None:
    """Same folded name and date of birth under another card number: probably one person."""
    people: dict[tuple[str, datetime.date], list[dict[str, Any]]] = {}
    folded: dict[str, str] = {}  # names repeat
    for data in rows:
        name = data["full_name"]
        search_name = folded.get(name)
        if search_name is None:
            search_name = folded[name] = fold(name)
        data["search_name"] = search_name
        if not data["full_name"] or not data["birth_date"]:
            continue
        people.setdefault((data["search_name"], data["birth_date"]), []).append(data)
    for group in people.values():
        if len(group) < 2:
            continue
        for data in group:
            others = [d for d in group if d["card_number"] != data["card_number"]]
            if others:
                plan.warn(
                    data["row"],
                    "full_name",
                    data["full_name"],
                    _("Probably the same person as row %(rows)s (same name and date of birth).")
                    % {"rows": ", ".join(str(d["row"]) for d in others)},
                )
    # By name alone (an IN list of names and one of dates would probe every pair), names in
    # order so that each stored member comes back about once.
    for condition in matching("search_name", sorted({k[0] for k in people})):
        qs = Member.objects.filter(condition).values_list(
            "search_name", "birth_date", "card_number", "cell__name"
        )
        for search_name, birth, card, cell_name in qs:
            group = people.get((search_name, birth))
            if group is None:
                continue
            for data in group:
                if data["card_number"] != card:
                    plan.warn(
                        data["row"],
                        "full_name",
                        data["full_name"],
                        _(
                            "Probably the same person as member %(card)s of %(cell)s "
                            "(same name and date of birth)."
                        )
                        % {"card": card, "cell": cell_name},
                    )


# Columns of the raw inserts (tusoi.core.bulk); the tables' other columns take their defaults.
_MEMBER_COLUMNS = (*EDITABLE_FIELDS, "cell", "status", "status_since", "name_key", "search_name")
_PERIOD_COLUMNS = ("member", "cell", "status", "valid_from", "change", "reason", "recorded_by")
_EVENT_COLUMNS = (
    "actor",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "organization",
    "changes",
    "note",
)
_UPDATE_SQL = "UPDATE {table} SET {sets} WHERE id = %s"
_UPDATE_COLUMNS = (
    *EDITABLE_FIELDS,
    "cell_id",
    "home_cell_id",
    "status_since",
    "name_key",
    "search_name",
    "version",
    "updated_at",
)


def _ids_by_card(cards: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for condition in matching("card_number", cards):
        out.update(Member.objects.filter(condition).values_list("card_number", "id"))
    return out


@transaction.atomic
def apply(plan: ImportPlan, *, actor: Any, progress: Any = None) -> ImportResult:
    """Write a valid plan in one transaction: members in batches, their first or next
    membership period, one audit row each. Rows go in raw (COPY on PostgreSQL, executemany on
    SQLite) with every derived value computed here, as the member services derive them."""
    _ensure_valid(plan)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    day = plan.day
    note = _("Imported from %(file)s") % {"file": plan.source_name or "?"}
    cell_names: dict[int, str] = plan.extra.get("cell_names", {})
    report(progress, "total", len(plan.creates) + len(plan.updates))
    now = db_now(timezone.now())
    # Cells may not have moved out of the root since the check.
    cell_ids = {d["cell_id"] for d in [*plan.creates, *plan.updates]}
    root = plan.root
    for batch in chunks(sorted(cell_ids)):
        inside = Organization.objects.filter(
            pk__in=batch,
            kind__is_cell=True,
            path__gte=root.path,
            path__lt=successor(root.path),
        ).count()
        if inside != len(batch):
            raise _stale()

    members = BulkTable(Member, _MEMBER_COLUMNS, ("created_at", "updated_at"))
    periods = BulkTable(MembershipPeriod, _PERIOD_COLUMNS, ("recorded_at",))
    events = BulkTable(AuditEvent, _EVENT_COLUMNS, ("at",))
    active, registered = MemberStatus.ACTIVE.value, ChangeKind.REGISTERED.value
    sort_key = functools.lru_cache(maxsize=65536)(vn_sort_key)
    for batch in chunks(plan.creates, BATCH):
        insert_rows(
            members,
            (
                (
                    *(data[name] for name in EDITABLE_FIELDS),
                    data["cell_id"],
                    active,
                    day,
                    sort_key(data["full_name"]),
                    data["search_name"],
                    now,
                    now,
                )
                for data in batch
            ),
        )
        ids = _ids_by_card([data["card_number"] for data in batch])
        if len(ids) != len(batch):
            raise _stale()
        insert_rows(
            periods,
            (
                (ids[d["card_number"]], d["cell_id"], active, day, registered, "", actor_id, now)
                for d in batch
            ),
        )
        rows = []
        for data in batch:
            changes = {
                name: [None, _plain(data[name])]
                for name in EDITABLE_FIELDS
                if data[name] is not None
            }
            changes["cell"] = [None, cell_names.get(data["cell_id"], str(data["cell_id"]))]
            changes["status"] = [None, active]
            rows.append(
                (
                    actor_id,
                    AuditEvent.Action.CREATE.value,
                    "members.member",
                    ids[data["card_number"]],
                    f"{data['full_name']} ({data['card_number']})"[:300],
                    data["cell_id"],
                    json.dumps(changes),
                    note,
                    now,
                )
            )
        insert_rows(events, rows)
        report(progress, "advance", len(batch))

    update_sql = _UPDATE_SQL.format(
        table=Member._meta.db_table, sets=", ".join(f"{c} = %s" for c in _UPDATE_COLUMNS)
    )
    close_sql = (
        f"UPDATE {MembershipPeriod._meta.db_table} SET valid_to = %s"  # noqa: S608
        " WHERE member_id = %s AND valid_to IS NULL"
    )
    for batch in chunks(plan.updates, BATCH):
        ids = [d["stored"]["id"] for d in batch]
        versions = dict(
            Member.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .values_list("id", "version")
        )
        updates = []
        moved = []
        rows = []
        for data in batch:
            stored = data["stored"]
            pk = stored["id"]
            if versions.get(pk) != stored["version"]:
                raise _stale()
            home_cell_id, status_since = stored["home_cell_id"], stored["status_since"]
            if "cell" in data["changes"]:
                # A move closes the open period and opens the next, as member_change_status.
                home_cell_id, status_since = None, day
                moved.append((pk, data["cell_id"], stored["status"]))
            updates.append(
                (
                    *(data[name] for name in EDITABLE_FIELDS),
                    data["cell_id"],
                    home_cell_id,
                    status_since,
                    sort_key(data["full_name"]),
                    data["search_name"],
                    stored["version"] + 1,
                    now,
                    pk,
                )
            )
            rows.append(
                (
                    actor_id,
                    AuditEvent.Action.UPDATE.value,
                    "members.member",
                    pk,
                    f"{data['full_name']} ({data['card_number']})"[:300],
                    data["cell_id"],
                    json.dumps(data["changes"]),
                    note,
                    now,
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(update_sql, updates)
            if moved:
                cursor.executemany(close_sql, [(day, pk) for pk, _cell, _status in moved])
        if moved:
            insert_rows(
                periods,
                (
                    (pk, cell_id, status, day, ChangeKind.MOVED.value, note, actor_id, now)
                    for pk, cell_id, status in moved
                ),
            )
        insert_rows(events, rows)
        report(progress, "advance", len(batch))
    publish("subtree_changed", path=root.path)
    return ImportResult(
        created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged
    )


def export_rows(root: Organization) -> Iterator[dict[str, Any]]:
    """Every member whose cell is in the subtree, in import format, cell by cell."""
    qs = (
        Member.objects.filter(cell__path__gte=root.path, cell__path__lt=successor(root.path))
        .order_by("cell__path", "name_key", "card_number")
        .values("cell__code", *EDITABLE_FIELDS)
    )
    yes, no = "có", "không"
    for row in qs.iterator(chunk_size=2000):
        yield {
            "card_number": row["card_number"],
            "full_name": row["full_name"],
            "birth_date": row["birth_date"],
            "gender": GENDER_WORDS.get(row["gender"], row["gender"]),
            "citizen_id": row["citizen_id"],
            "phone": row["phone"],
            "email": row["email"],
            "admitted_on": row["admitted_on"],
            "official_on": row["official_on"],
            "cell_code": row["cell__code"],
            "job": row["job"],
            "position": row["position"],
            "is_leader": yes if row["is_leader"] else no,
            "life_situation": LIFE_WORDS.get(row["life_situation"], ""),
            "works_away": yes if row["works_away"] else no,
            "elderly_frail": yes if row["elderly_frail"] else no,
        }
