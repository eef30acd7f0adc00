"""The member registry pages: what they show, Vietnamese errors that save nothing, the edit
conflict flow, search and the duplicate review, each inside the user's own scope."""

import datetime

import pytest
from django.urls import reverse

from tusoi.members.models import ChangeKind, Member, MemberStatus
from tusoi.members.services import member_change_status, member_update, today
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member

D = datetime.date


@pytest.fixture
def committee(client, tree, make_user):
    """A committee staff member of branch A, logged in."""
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


@pytest.fixture
def secretary(client, tree, make_user):
    """The secretary of cell A1, logged in."""
    user = make_user(tree.cell_a, Role.SECRETARY)
    client.force_login(user)
    return user


def _form(member: Member, **changes) -> dict:
    data = {
        "full_name": member.full_name,
        "card_number": member.card_number,
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "gender": member.gender,
        "citizen_id": member.citizen_id,
        "phone": member.phone,
        "email": member.email,
        "admitted_on": member.admitted_on.strftime("%d/%m/%Y"),
        "official_on": member.official_on.strftime("%d/%m/%Y") if member.official_on else "",
        "job": member.job,
        "position": member.position,
        "life_situation": member.life_situation,
        "version": member.version,
    }
    data.update(changes)
    return data


NEW = {
    "full_name": "Hoàng  Thị Lan",
    "card_number": "55500001",
    "birth_date": "3/4/85",
    "gender": "female",
    "admitted_on": "19/05/2010",
    "official_on": "",
    "phone": "0912 345 678",
    "is_leader": "on",
    "life_situation": "retired",
}


class TestDetail:
    def test_shows_registry_fields_dates_and_badges(self, client, tree, committee):
        member = make_member(
            tree.cell_a,
            "Lý Thị Mai",
            official_on=None,
            is_leader=True,
            works_away=True,
            citizen_id="001180012345",
        )
        response = client.get(reverse("members:detail", args=[member.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "17/05/1980" in html and "02/03/2005" in html
        assert "001180012345" in html
        assert "Dự bị" in html
        assert "Cán bộ lãnh đạo, quản lý" in html
        assert "Đi làm ăn xa" in html
        assert reverse("orgs:detail", args=[tree.cell_a.pk]) in html
        assert reverse("members:edit", args=[member.pk]) in html

    def test_official_member_has_no_probationary_badge(self, client, tree, committee):
        html = client.get(reverse("members:detail", args=[tree.member_a.pk])).content.decode()
        assert "Dự bị" not in html

    def test_history_shows_each_dated_change_and_who_recorded_it(self, client, tree, committee):
        member_change_status(
            actor=committee,
            member=tree.member_a,
            change=ChangeKind.EXEMPTED,
            on=D(2023, 3, 1),
            reason="Ốm dài ngày",
        )
        html = client.get(reverse("members:detail", args=[tree.member_a.pk])).content.decode()
        assert "01/01/2020" in html and "01/03/2023" in html
        assert "Được miễn sinh hoạt Đảng" in html
        assert "Ốm dài ngày" in html
        assert committee.username in html
        assert "Miễn sinh hoạt Đảng từ 01/03/2023" in html

    def test_committee_sees_audit_link(self, client, tree, committee):
        html = client.get(reverse("members:detail", args=[tree.member_a.pk])).content.decode()
        assert reverse("audit:member", args=[tree.member_a.pk]) in html

    def test_secretary_sees_edit_but_not_audit_link(self, client, tree, secretary):
        html = client.get(reverse("members:detail", args=[tree.member_a.pk])).content.decode()
        assert reverse("members:edit", args=[tree.member_a.pk]) in html
        assert reverse("audit:member", args=[tree.member_a.pk]) not in html

    def test_member_sees_own_record_without_edit_links(self, client, tree, make_user):
        client.force_login(make_user(member=tree.member_a))
        response = client.get(reverse("members:detail", args=[tree.member_a.pk]))
        assert response.status_code == 200
        assert reverse("members:edit", args=[tree.member_a.pk]) not in response.content.decode()

    def test_member_cannot_open_a_cellmates_record(self, client, tree, make_user):
        other = make_member(tree.cell_a, "Bùi Văn Bảy")
        client.force_login(make_user(member=tree.member_a))
        assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404

    def test_secretary_cannot_open_sibling_cell_member(self, client, tree, secretary):
        assert client.get(reverse("members:detail", args=[tree.member_a2.pk])).status_code == 404


class TestCreate:
    def url(self, cell):
        return reverse("members:create") + f"?cell={cell.pk}"

    def test_creates_member_with_short_dates(self, client, tree, secretary):
        response = client.post(self.url(tree.cell_a), NEW)
        member = Member.objects.get(card_number="55500001")
        assert response.status_code == 302
        assert response["Location"] == reverse("members:detail", args=[member.pk])
        assert member.full_name == "Hoàng Thị Lan"
        assert member.birth_date == D(1985, 4, 3)
        assert member.official_on is None
        assert member.cell == tree.cell_a
        assert member.is_leader
        assert member.periods.get().valid_from == today()

    def test_registered_date_starts_the_history(self, client, tree, secretary):
        client.post(self.url(tree.cell_a), {**NEW, "registered_on": "01/02/2021"})
        member = Member.objects.get(card_number="55500001")
        assert member.periods.get().valid_from == D(2021, 2, 1)

    def test_bad_input_shows_vietnamese_errors_and_saves_nothing(self, client, tree, secretary):
        before = Member.objects.count()
        bad = {**NEW, "full_name": "", "birth_date": "31/02/1985", "citizen_id": "12"}
        response = client.post(self.url(tree.cell_a), bad)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Chưa lưu gì" in html
        assert "Cần nhập họ và tên." in html
        assert "Hãy nhập ngày theo dạng dd/mm/yyyy" in html
        assert Member.objects.count() == before
        assert 'value="0912 345 678"' in html  # what was typed stays in the form

    def test_service_rules_are_shown_on_the_fields(self, client, tree, secretary):
        bad = {
            **NEW,
            "birth_date": "01/01/2000",
            "admitted_on": "01/01/2015",
            "card_number": tree.member_a.card_number,
        }
        response = client.post(self.url(tree.cell_a), bad)
        html = response.content.decode()
        assert "Đảng viên được kết nạp từ đủ 18 tuổi" in html
        assert f"Số thẻ đảng viên {tree.member_a.card_number} đã thuộc về" in html
        assert not Member.objects.filter(full_name="Hoàng Thị Lan").exists()

    def test_cell_outside_scope_is_not_found(self, client, tree, secretary):
        assert client.get(self.url(tree.cell_a2)).status_code == 404
        assert client.post(self.url(tree.cell_a2), NEW).status_code == 404
        assert not Member.objects.filter(card_number="55500001").exists()

    def test_organisation_that_is_not_a_cell_is_not_found(self, client, tree, committee):
        assert client.get(self.url(tree.branch_a)).status_code == 404

    def test_missing_or_garbled_cell_is_not_found(self, client, tree, committee):
        assert client.get(reverse("members:create")).status_code == 404
        assert client.get(reverse("members:create") + "?cell=x").status_code == 404

    def test_supervisor_cannot_add_members(self, client, tree, make_user):
        client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
        assert client.get(self.url(tree.cell_a)).status_code == 404


class TestEdit:
    def test_form_shows_dates_as_dd_mm_yyyy_and_the_version(self, client, tree, secretary):
        html = client.get(reverse("members:edit", args=[tree.member_a.pk])).content.decode()
        assert 'value="17/05/1980"' in html
        assert 'name="version" value="1"' in html

    def test_saves_a_change(self, client, tree, secretary):
        url = reverse("members:edit", args=[tree.member_a.pk])
        response = client.post(url, _form(tree.member_a, phone="0988 777 666"), follow=True)
        tree.member_a.refresh_from_db()
        assert tree.member_a.phone == "0988 777 666"
        assert tree.member_a.version == 2
        assert "Đã lưu thay đổi hồ sơ" in response.content.decode()

    def test_bad_input_saves_nothing(self, client, tree, secretary):
        url = reverse("members:edit", args=[tree.member_a.pk])
        response = client.post(url, _form(tree.member_a, phone="12", official_on="01/01/2004"))
        html = response.content.decode()
        assert "Nhập số điện thoại từ 8 đến 15 chữ số." in html
        assert "Ngày chính thức không thể trước ngày vào Đảng." in html
        tree.member_a.refresh_from_db()
        assert (tree.member_a.phone, tree.member_a.version) == ("", 1)

    def test_conflict_keeps_typed_values_and_shows_saved_ones(self, client, tree, secretary):
        url = reverse("members:edit", args=[tree.member_a.pk])
        opened = _form(tree.member_a)  # the form as the user opened it (version 1)
        member_update(
            actor=None, member=tree.member_a, expected_version=1, phone="0911 111 111"
        )  # someone else saves first
        response = client.post(url, {**opened, "phone": "0922 222 222", "job": "Nông dân"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Người khác đã sửa hồ sơ này sau khi bạn mở" in html
        assert 'value="0922 222 222"' in html  # what the user typed stays in the field
        assert 'value="Nông dân"' in html
        assert "0911 111 111" in html  # the saved value is shown beside it
        assert html.count('class="saved-value"') == 2  # only the fields that differ
        tree.member_a.refresh_from_db()
        assert tree.member_a.phone == "0911 111 111"
        assert 'name="version" value="2"' in html

    def test_saving_again_after_a_conflict_is_a_deliberate_choice(self, client, tree, secretary):
        url = reverse("members:edit", args=[tree.member_a.pk])
        opened = _form(tree.member_a)
        member_update(actor=None, member=tree.member_a, expected_version=1, phone="0911 111 111")
        client.post(url, {**opened, "phone": "0922 222 222"})
        client.post(url, {**opened, "phone": "0922 222 222", "version": 2})
        tree.member_a.refresh_from_db()
        assert tree.member_a.phone == "0922 222 222"

    def test_member_cannot_edit_own_record(self, client, tree, make_user):
        client.force_login(make_user(member=tree.member_a))
        url = reverse("members:edit", args=[tree.member_a.pk])
        assert client.post(url, _form(tree.member_a, phone="0912345678")).status_code == 404

    def test_supervisor_cannot_edit(self, client, tree, make_user):
        client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
        assert client.get(reverse("members:edit", args=[tree.member_a.pk])).status_code == 404


class TestStatus:
    def url(self, member):
        return reverse("members:status", args=[member.pk])

    def test_move_to_a_cell_by_code(self, client, tree, committee):
        data = {"change": "moved", "on": "10/05/2023", "to_cell": "a2", "reason": "Chuyển nhà"}
        response = client.post(self.url(tree.member_a), data, follow=True)
        tree.member_a.refresh_from_db()
        assert tree.member_a.cell == tree.cell_a2
        assert "Đã ghi thay đổi cho" in response.content.decode()
        assert tree.member_a.periods.last().reason == "Chuyển nhà"

    def test_exemption_needs_no_cell(self, client, tree, committee):
        client.post(self.url(tree.member_a), {"change": "exempted", "on": "1/3/23"})
        tree.member_a.refresh_from_db()
        assert (tree.member_a.status, tree.member_a.status_since) == (
            MemberStatus.EXEMPT,
            D(2023, 3, 1),
        )

    def test_cell_outside_scope_is_a_field_error(self, client, tree, committee):
        data = {"change": "moved", "on": "10/05/2023", "to_cell": "B1"}
        html = client.post(self.url(tree.member_a), data).content.decode()
        assert "Không có chi bộ mã B1 trong các chi bộ bạn được quản lý." in html
        tree.member_a.refresh_from_db()
        assert tree.member_a.cell == tree.cell_a
        assert tree.member_a.periods.count() == 1

    def test_secretary_cannot_move_a_member_to_another_cell(self, client, tree, secretary):
        data = {"change": "moved", "on": "10/05/2023", "to_cell": "A2"}
        html = client.post(self.url(tree.member_a), data).content.decode()
        assert "Không có chi bộ mã A2" in html
        tree.member_a.refresh_from_db()
        assert tree.member_a.cell == tree.cell_a

    def test_move_without_cell_is_refused(self, client, tree, committee):
        html = client.post(self.url(tree.member_a), {"change": "moved", "on": "10/05/2023"})
        assert "Hãy chọn chi bộ đảng viên chuyển đến." in html.content.decode()

    def test_service_refusal_is_shown_in_vietnamese(self, client, tree, committee):
        data = {"change": "exemption_ended", "on": "01/03/2023"}
        html = client.post(self.url(tree.member_a), data).content.decode()
        assert "Thay đổi này không áp dụng cho đảng viên" in html
        assert tree.member_a.periods.count() == 1

    def test_date_before_current_status_is_refused(self, client, tree, committee):
        html = client.post(self.url(tree.member_a), {"change": "exempted", "on": "01/01/2019"})
        assert "Ngày này trước ngày bắt đầu tình trạng hiện tại" in html.content.decode()


class TestSearch:
    def test_finds_name_without_accents(self, client, tree, secretary):
        html = client.get(reverse("members:search"), {"q": "nguyen van an"}).content.decode()
        assert "Nguyễn Văn An" in html
        assert "1980" in html
        assert "Đang sinh hoạt" in html
        assert tree.cell_a.name in html

    def test_finds_card_number(self, client, tree, secretary):
        html = client.get(reverse("members:search"), {"q": tree.member_a.card_number})
        assert "Nguyễn Văn An" in html.content.decode()

    def test_htmx_gets_only_the_results(self, client, tree, secretary):
        response = client.get(reverse("members:search"), {"q": "NGUYỄN"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "Nguyễn Văn An" in html
        assert "<html" not in html
        assert "HX-Request" in response["Vary"]

    def test_page_without_js_has_form_and_live_search(self, client, tree, secretary):
        html = client.get(reverse("members:search"), {"q": "an"}).content.decode()
        assert "<html" in html and 'hx-get="' in html and 'type="submit"' in html
        assert "Nguyễn Văn An" in html

    def test_editors_get_a_link_to_the_duplicate_review(self, client, tree, secretary):
        html = client.get(reverse("members:search")).content.decode()
        assert reverse("members:duplicates") in html

    def test_member_gets_no_link_to_the_duplicate_review(self, client, tree, make_user):
        client.force_login(make_user(member=tree.member_a))
        html = client.get(reverse("members:search")).content.decode()
        assert reverse("members:duplicates") not in html

    def test_sibling_branch_committee_finds_nothing_of_branch_a(self, client, tree, make_user):
        client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
        html = client.get(reverse("members:search"), {"q": "nguyen van an"}).content.decode()
        assert "Nguyễn Văn An" not in html
        assert "Không có đảng viên nào khớp" in html
        html = client.get(reverse("members:search"), {"q": "le van cuong"}).content.decode()
        assert "Lê Văn Cường" in html

    def test_secretary_does_not_find_sibling_cell(self, client, tree, secretary):
        html = client.get(reverse("members:search"), {"q": "tran thi binh"}).content.decode()
        assert "Trần Thị Bình" not in html


class TestDuplicates:
    def test_lists_pair_side_by_side(self, client, tree, committee):
        dup = make_member(tree.cell_a2, "Nguyễn Văn An", citizen_id="001080012345")
        html = client.get(reverse("members:duplicates")).content.decode()
        assert html.count("Nguyễn Văn An") >= 2
        assert tree.member_a.card_number in html and dup.card_number in html
        assert "001080012345" in html
        assert tree.cell_a.name in html and tree.cell_a2.name in html

    def test_sibling_branch_user_does_not_see_branch_a_duplicates(self, client, tree, make_user):
        make_member(tree.cell_a2, "Nguyễn Văn An")
        client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
        html = client.get(reverse("members:duplicates")).content.decode()
        assert "Nguyễn Văn An" not in html
        assert "Không có hồ sơ nào có thể bị trùng" in html

    def test_merge_keeps_the_chosen_record(self, client, tree, committee):
        dup = make_member(tree.cell_a2, "Nguyễn Văn An", phone="0912345678")
        response = client.post(
            reverse("members:merge"), {"keep": dup.pk, "drop": tree.member_a.pk}, follow=True
        )
        tree.member_a.refresh_from_db()
        assert tree.member_a.merged_into == dup
        assert f"Đã gộp hồ sơ {tree.member_a.card_number} vào" in response.content.decode()
        assert "Không có hồ sơ nào có thể bị trùng" in response.content.decode()

    def test_merge_with_a_record_outside_scope_is_not_found(self, client, tree, make_user):
        client.force_login(make_user(tree.cell_a, Role.SECRETARY))
        dup = make_member(tree.cell_a2, "Nguyễn Văn An")
        response = client.post(reverse("members:merge"), {"keep": tree.member_a.pk, "drop": dup.pk})
        assert response.status_code == 404
        dup.refresh_from_db()
        assert dup.merged_into is None

    def test_merge_needs_post(self, client, tree, committee):
        assert client.get(reverse("members:merge")).status_code == 405

    def test_dismiss_hides_the_pair(self, client, tree, committee):
        dup = make_member(tree.cell_a2, "Nguyễn Văn An")
        response = client.post(
            reverse("members:dismiss"), {"a": tree.member_a.pk, "b": dup.pk}, follow=True
        )
        html = response.content.decode()
        assert "là hai người khác nhau" in html
        assert "Không có hồ sơ nào có thể bị trùng" in html

    def test_dismissing_a_record_with_itself_is_an_error_message(self, client, tree, committee):
        response = client.post(
            reverse("members:dismiss"),
            {"a": tree.member_a.pk, "b": tree.member_a.pk},
            follow=True,
        )
        assert "Hãy chọn hai hồ sơ khác nhau." in response.content.decode()
