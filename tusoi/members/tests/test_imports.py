"""Importing the member registry: every validation case, all-or-nothing, audit, history, scope,
round trip."""

import datetime

import pytest
from django.utils import timezone, translation

from tusoi.audit.models import AuditEvent
from tusoi.core.text import fold, vn_sort_key
from tusoi.members import imports
from tusoi.members.models import ChangeKind, Member, MembershipPeriod
from tusoi.orgs.permissions import Role
from tusoi.tabular import Row, Table

KEYS = [c.key for c in imports.COLUMNS]


def person(**overrides) -> dict:
    data = {
        "card_number": "81000001",
        "full_name": "Phạm Thị Hoa",
        "birth_date": "17/05/1980",
        "gender": "Nữ",
        "citizen_id": "",
        "phone": "",
        "email": "",
        "admitted_on": "02/03/2005",
        "official_on": "02/03/2006",
        "cell_code": "A1",
        "job": "Giáo viên",
        "position": "",
        "is_leader": "không",
        "life_situation": "",
        "works_away": "",
        "elderly_frail": "",
    }
    data.update(overrides)
    return data


def make_table(*people: dict) -> Table:
    return Table(
        columns=list(imports.COLUMNS),
        column_letters={},
        rows=[Row(i, dict(p)) for i, p in enumerate(people, start=2)],
        source_name="dang-vien.xlsx",
    )


def errors(plan) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in plan.errors]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_new_members_are_created_with_derived_keys_history_and_audit(tree):
    plan = imports.validate(
        make_table(
            person(),
            person(
                card_number="81000002",
                full_name="Đỗ Văn Đạt",
                gender="Nam",
                is_leader="có",
                life_situation="Hưu trí",
            ),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    result = imports.apply(plan, actor=None)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    hoa = Member.objects.get(card_number="81000001")
    assert hoa.cell == tree.cell_a and hoa.gender == "female"
    assert hoa.birth_date == datetime.date(1980, 5, 17)
    assert hoa.name_key == vn_sort_key("Phạm Thị Hoa") and hoa.search_name == fold("Phạm Thị Hoa")
    dat = Member.objects.get(card_number="81000002")
    assert dat.is_leader and dat.life_situation == "retired" and dat.gender == "male"
    period = MembershipPeriod.objects.get(member=hoa)
    assert period.change == ChangeKind.REGISTERED and period.valid_to is None
    assert period.valid_from == plan.day
    event = AuditEvent.objects.get(action="create", target_id=hoa.pk, target_type="members.member")
    assert event.changes["full_name"] == [None, "Phạm Thị Hoa"]
    assert event.changes["cell"] == [None, tree.cell_a.name]


def test_dates_in_every_accepted_form(tree):
    plan = imports.validate(
        make_table(
            person(
                birth_date=datetime.datetime(1980, 5, 17),  # noqa: DTZ001 - as openpyxl reads it
                admitted_on=38413,
                official_on="2/3/06",
            )
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    data = plan.creates[0]
    assert data["admitted_on"] == datetime.date(2005, 3, 2)
    assert data["official_on"] == datetime.date(2006, 3, 2)


def test_missing_required_values_are_each_reported(tree):
    plan = imports.validate(
        make_table(
            person(
                card_number="",
                full_name=" ",
                birth_date=None,
                gender="",
                admitted_on="",
                cell_code="",
            )
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert sorted(errors(plan)) == sorted(
        (2, k)
        for k in ("card_number", "full_name", "birth_date", "gender", "admitted_on", "cell_code")
    )


def test_impossible_future_and_inconsistent_dates(tree):
    future = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    plan = imports.validate(
        make_table(
            person(card_number="81000001", birth_date="31/02/1980"),
            person(card_number="81000002", birth_date=future),
            person(
                card_number="81000003",
                birth_date="01/01/1990",
                admitted_on="01/06/2007",
                official_on="",
            ),
            person(card_number="81000004", official_on="01/01/2004"),
            person(card_number="81000005", admitted_on=future, official_on=""),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert errors(plan) == [
        (2, "birth_date"),
        (3, "birth_date"),
        (4, "admitted_on"),
        (5, "official_on"),
        (6, "admitted_on"),
    ]
    assert "18" in plan.errors[2].message


def test_bad_choices_numbers_and_flags(tree):
    plan = imports.validate(
        make_table(
            person(
                gender="Khác",
                citizen_id="12345",
                phone="abc",
                email="không-phải-thư",
                life_situation="sinh viên",
                is_leader="có lẽ",
                card_number="8 1",
            )
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert sorted(c for _r, c in errors(plan)) == sorted(
        ["gender", "citizen_id", "phone", "email", "life_situation", "is_leader", "card_number"]
    )


def test_duplicate_card_numbers_and_citizen_ids_in_the_file_name_both_rows(tree):
    plan = imports.validate(
        make_table(
            person(citizen_id="001080000001"),
            person(full_name="Người khác", citizen_id="001080000001"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert sorted(errors(plan)) == [
        (2, "card_number"),
        (2, "citizen_id"),
        (3, "card_number"),
        (3, "citizen_id"),
    ]
    assert "3" in plan.errors[0].message


def test_citizen_id_of_another_member_in_the_registry_is_an_error(tree):
    tree.member_a.citizen_id = "001080000009"
    tree.member_a.save()
    plan = imports.validate(
        make_table(person(citizen_id="001080000009")), root=tree.branch_a, actor=None
    )
    assert errors(plan) == [(2, "citizen_id")]
    assert tree.member_a.card_number in plan.errors[0].message


def test_card_number_of_a_member_outside_the_root_is_an_error(tree):
    plan = imports.validate(
        make_table(person(card_number=tree.member_b.card_number)), root=tree.branch_a, actor=None
    )
    assert errors(plan) == [(2, "card_number")]
    assert "ngoài phạm vi" in plan.errors[0].message


def test_cell_codes_must_name_cells_inside_the_root(tree):
    plan = imports.validate(
        make_table(
            person(card_number="81000001", cell_code="KHONG-CO"),
            person(card_number="81000002", cell_code="B1"),
            person(card_number="81000003", cell_code="A"),
            person(card_number="81000004", cell_code="a2"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert errors(plan) == [(2, "cell_code"), (3, "cell_code"), (4, "cell_code")]


def test_nfd_text_and_non_breaking_spaces_are_stored_clean_and_legacy_text_refused(tree):
    plan = imports.validate(
        make_table(
            person(full_name="Pha\u0323m\u00a0 Thi\u0323 Hoa ", job="Gia\u0301o vie\u0302n"),
            person(card_number="81000002", full_name="NguyÔn V¨n An"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert errors(plan) == [(3, "full_name")]
    assert plan.creates == []
    ok = imports.validate(
        make_table(person(full_name="Pha\u0323m\u00a0 Thi\u0323 Hoa ")),
        root=tree.branch_a,
        actor=None,
    )
    imports.apply(ok, actor=None)
    assert Member.objects.get(card_number="81000001").full_name == "Phạm Thị Hoa"


def test_likely_duplicate_people_are_warnings_not_errors(tree):
    existing = tree.member_a  # Nguyễn Văn An, 17/05/1980
    plan = imports.validate(
        make_table(
            person(full_name="Nguyen Van An", gender="Nam"),
            person(card_number="81000002", full_name="Trần Văn Bé", birth_date="01/01/1970"),
            person(card_number="81000003", full_name="Tran Van Be", birth_date="01/01/1970"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    assert sorted(w.row for w in plan.warnings) == [2, 3, 4]
    assert existing.card_number in plan.warnings[-1].message or any(
        existing.card_number in w.message for w in plan.warnings
    )
    assert len(plan.creates) == 3


def test_reimport_changes_nothing_and_update_is_audited_with_a_move(tree):
    table = make_table(person(), person(card_number="81000002", full_name="Lý Thị Lan"))
    imports.apply(imports.validate(table, root=tree.branch_a, actor=None), actor=None)
    events = AuditEvent.objects.count()
    again = imports.validate(table, root=tree.branch_a, actor=None)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 2)
    assert imports.apply(again, actor=None).updated == 0
    assert AuditEvent.objects.count() == events

    changed = make_table(
        person(phone="0912345678", cell_code="A2"),
        person(card_number="81000002", full_name="Lý Thị Lan"),
    )
    plan = imports.validate(changed, root=tree.branch_a, actor=None)
    assert [w.column for w in plan.warnings] == ["cell_code"]
    assert (
        tree.cell_a.name in plan.warnings[0].message
        and tree.cell_a2.name in plan.warnings[0].message
    )
    result = imports.apply(plan, actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    hoa = Member.objects.get(card_number="81000001")
    assert hoa.phone == "0912345678" and hoa.cell == tree.cell_a2 and hoa.version == 2
    event = AuditEvent.objects.get(action="update", target_id=hoa.pk)
    assert event.changes["phone"] == ["", "0912345678"]
    assert event.changes["cell"] == [tree.cell_a.name, tree.cell_a2.name]
    periods = list(MembershipPeriod.objects.filter(member=hoa).order_by("id"))
    assert [p.change for p in periods] == [ChangeKind.REGISTERED, ChangeKind.MOVED]
    assert periods[0].valid_to == plan.day and periods[1].valid_to is None
    assert periods[1].cell == tree.cell_a2


def test_an_error_in_row_500_means_nothing_is_written(tree):
    people = [person(card_number=f"8200{i:04d}", full_name=f"Người Thứ {i}") for i in range(600)]
    people[498]["birth_date"] = "32/01/1980"
    plan = imports.validate(make_table(*people), root=tree.branch_a, actor=None)
    assert errors(plan) == [(500, "birth_date")]
    assert plan.creates == []
    with pytest.raises(Exception):  # noqa: B017, PT011
        imports.apply(plan, actor=None)
    assert not Member.objects.filter(card_number__startswith="8200").exists()


def test_committee_of_branch_b_cannot_import_members_into_branch_a(tree, make_user):
    user = make_user(tree.branch_b, Role.COMMITTEE)
    plan = imports.validate(make_table(person()), root=tree.branch_a, actor=user)
    assert errors(plan) == [(0, "")]
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    own = imports.validate(make_table(person()), root=tree.cell_a, actor=secretary)
    assert own.errors == []
    imports.apply(own, actor=secretary)
    assert AuditEvent.objects.filter(actor=secretary, action="create").count() == 1
    assert not Member.objects.filter(card_number="81000001", cell=tree.cell_b).exists()


def test_export_then_import_changes_nothing(tree):
    imports.apply(
        imports.validate(
            make_table(
                person(
                    citizen_id="001080000001",
                    is_leader="có",
                    life_situation="lao động tự do",
                    official_on="",
                    works_away="có",
                    email="hoa@example.vn",
                )
            ),
            root=tree.branch_a,
            actor=None,
        ),
        actor=None,
    )
    rows = list(imports.export_rows(tree.province))
    assert len(rows) == 4
    plan = imports.validate(make_table(*rows), root=tree.province, actor=None)
    assert plan.errors == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 4)


def test_export_does_not_grow_queries_with_rows(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert len(list(imports.export_rows(tree.province))) == 3


def test_import_queries_do_not_grow_with_rows(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int, start: int) -> int:
        people = [
            person(card_number=f"83{start + i:06d}", full_name=f"Người Số {start + i}")
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as ctx:
            plan = imports.validate(make_table(*people), root=tree.branch_a, actor=None)
            assert imports.apply(plan, actor=None).created == count
        return len(ctx.captured_queries)

    assert queries(2, 0) == queries(60, 100)
    assert Member.objects.filter(card_number__startswith="83").count() == 62
    assert MembershipPeriod.objects.filter(member__card_number__startswith="83").count() == 62
    assert AuditEvent.objects.filter(target_repr__contains="(83").count() == 62
