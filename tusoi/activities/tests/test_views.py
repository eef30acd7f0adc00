import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tusoi.activities.models import Activity, ActivityAttachment, ActivityKind, Commendation
from tusoi.activities.services import commendation_create
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_open_campaign

from .conftest import PDF, make_activity, upload, yesterday

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary_a(client, tree, make_user):
    user = make_user(tree.cell_a, Role.SECRETARY)
    client.force_login(user)
    return user


def _form(**overrides):
    data = {
        "kind": "veteran_exchange",
        "title": "Gặp mặt đảng viên cao tuổi Đảng",
        "on": yesterday().strftime("%d/%m/%Y"),
        "participants": "24",
        "summary": "Các đồng chí lão thành kể lại ngày vào Đảng.",
    }
    data.update(overrides)
    return data


def test_secretary_records_an_activity_with_files(client, tree, secretary_a):
    campaign = make_open_campaign(tree.province)
    url = reverse("activities:create", args=[tree.cell_a.pk])
    form = client.get(url).context["form"]
    assert form.initial["campaign"] == campaign.pk
    response = client.post(
        url,
        {**_form(campaign=campaign.pk), "files": [upload("a.pdf"), upload("b.pdf")]},
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("activities:detail", args=[activity.pk])
    assert activity.campaign == campaign and activity.participants == 24
    assert activity.kind == ActivityKind.VETERAN_EXCHANGE
    page = client.get(response["Location"]).content.decode()
    assert "a.pdf" in page and "b.pdf" in page and "Gặp mặt đảng viên cao tuổi Đảng" in page


def test_refused_form_keeps_typed_values_and_saves_nothing(client, tree, secretary_a):
    future = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("activities:create", args=[tree.cell_a.pk]),
        {**_form(on=future), "files": [upload("ok.pdf")]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["form"].errors["on"]
    assert 'value="Gặp mặt đảng viên cao tuổi Đảng"' in page
    assert "Các đồng chí lão thành kể lại ngày vào Đảng." in page
    assert "choose them again" in page or "chọn lại" in page
    assert not Activity.objects.exists()


def test_bad_file_is_refused_with_its_name(client, tree, secretary_a):
    response = client.post(
        reverse("activities:create", args=[tree.cell_a.pk]),
        {**_form(), "files": [upload("virus.pdf", b"MZ\x90\x00")]},
    )
    assert response.status_code == 200
    assert "virus.pdf" in str(response.context["form"].errors["files"])
    assert not Activity.objects.exists() and not ActivityAttachment.objects.exists()


def test_attachment_downloads_under_its_own_name(client, tree, make_user):
    activity = make_activity(tree.cell_a, files=[upload("Kế hoạch tọa đàm.pdf")])
    attachment = activity.attachments.get()
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    response = client.get(reverse("activities:attachment", args=[activity.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch" in response["Content-Disposition"]


def test_attachment_of_another_activity_is_404(client, tree, make_user):
    first = make_activity(tree.cell_a, files=[upload("a.pdf")])
    second = make_activity(tree.cell_a)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:attachment", args=[second.pk, first.attachments.get().pk])
    assert client.get(url).status_code == 404


def test_readers_cannot_attach(client, tree, make_user):
    activity = make_activity(tree.cell_a)
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    url = reverse("activities:detail", args=[activity.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' not in page
    assert client.post(url, {"files": upload("a.pdf")}).status_code == 404
    assert not ActivityAttachment.objects.exists()


def test_attach_without_a_file_says_so(client, tree, secretary_a):
    activity = make_activity(tree.cell_a)
    response = client.post(reverse("activities:detail", args=[activity.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]


def test_list_filters_and_pages_keep_the_filter(client, tree, make_user):
    campaign = make_open_campaign(tree.province)
    for n in range(27):
        make_activity(tree.cell_a, title=f"Tọa đàm số {n}", campaign=campaign)
    make_activity(tree.cell_a2, title="Thăm gia đình chính sách", kind=ActivityKind.GRATITUDE)
    make_activity(tree.cell_b, title="Hoạt động của xã khác")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:list", args=[tree.branch_a.pk])
    page = client.get(url).content.decode()
    assert "Thăm gia đình chính sách" in page and "Hoạt động của xã khác" not in page
    response = client.get(url, {"campaign": campaign.pk, "kind": "seminar"})
    assert response.context["page"].paginator.count == 27
    assert response.context["counts"].by_kind["seminar"] == 27
    assert f"campaign={campaign.pk}&amp;kind=seminar&amp;page=2" in response.content.decode()
    gratitude = client.get(url, {"kind": "gratitude"}).context["page"]
    assert [a.title for a in gratitude] == ["Thăm gia đình chính sách"]


def test_list_queries_do_not_grow_with_rows(client, tree, make_user, django_assert_max_num_queries):
    campaign = make_open_campaign(tree.province)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:list", args=[tree.branch_a.pk])
    make_activity(tree.cell_a, campaign=campaign, files=[upload("a.pdf")])
    client.get(url)
    for n in range(20):
        make_activity(tree.cell_a2, campaign=campaign, title=f"Diễn đàn {n}")
    with django_assert_max_num_queries(10):
        response = client.get(url, {"campaign": campaign.pk})
    assert response.context["page"].paginator.count == 21


def test_titles_are_shown_as_text(client, tree, secretary_a):
    make_activity(tree.cell_a, title="<script>alert(1)</script>", summary="<b>đậm</b>")
    activity = Activity.objects.get()
    for url in (
        reverse("activities:list", args=[tree.cell_a.pk]),
        reverse("activities:detail", args=[activity.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>đậm</b>" not in page


def test_plain_member_does_not_see_their_cells_activities(client, tree, make_user):
    make_activity(tree.cell_a)
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    assert client.get(reverse("activities:list", args=[tree.cell_a.pk])).status_code == 404


def test_organisation_page_links_to_activities_and_commendations(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    page = client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    assert reverse("activities:list", args=[tree.cell_a.pk]) in page
    assert reverse("activities:commendations", args=[tree.cell_a.pk]) in page


def _commend_form(**overrides):
    data = {
        "subject": "member",
        "member": "",
        "commended_organization": "",
        "level": "upper",
        "on": yesterday().strftime("%d/%m/%Y"),
        "reason": "Tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    }
    data.update(overrides)
    return data


def test_committee_commends_a_member_picked_from_the_list(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:commendation_create", args=[tree.branch_a.pk])
    page = client.get(url).content.decode()
    assert f'value="{tree.member_a.card_number}"' in page
    assert f'value="{tree.member_b.card_number}"' not in page
    response = client.post(url, _commend_form(member=tree.member_a.card_number))
    assert response["Location"] == reverse("activities:commendations", args=[tree.branch_a.pk])
    commendation = Commendation.objects.get()
    assert commendation.member == tree.member_a and commendation.organization == tree.branch_a
    listing = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn An" in listing


def test_commending_someone_outside_the_subtree_is_refused(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:commendation_create", args=[tree.branch_a.pk])
    response = client.post(url, _commend_form(member=tree.member_b.card_number))
    assert response.status_code == 200
    assert tree.member_b.card_number in str(response.context["form"].errors["member"])
    response = client.post(
        url, _commend_form(subject="organization", commended_organization=tree.cell_b.code)
    )
    assert response.context["form"].errors["commended_organization"]
    response = client.post(url, _commend_form(subject="organization"))
    assert response.context["form"].errors["commended_organization"]
    assert 'value="Tiêu biểu trong học tập' in response.content.decode() or (
        "Tiêu biểu trong học tập" in response.content.decode()
    )
    assert not Commendation.objects.exists()


def test_commendation_of_an_organisation(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:commendation_create", args=[tree.branch_a.pk])
    client.post(
        url, _commend_form(subject="organization", commended_organization=tree.cell_a2.code)
    )
    assert Commendation.objects.get().commended_organization == tree.cell_a2


def test_large_subtrees_take_a_typed_card_number(client, tree, make_user, monkeypatch):
    monkeypatch.setattr("tusoi.activities.forms.PICK_LIST_MAX", 0)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:commendation_create", args=[tree.branch_a.pk])
    page = client.get(url).content.decode()
    assert 'name="member" maxlength="20"' in page or 'type="text" name="member"' in page
    client.post(url, _commend_form(member=tree.member_a.card_number))
    assert Commendation.objects.get().member == tree.member_a


def test_commendation_list_shows_those_given_above(client, tree, make_user):
    commendation_create(
        actor=None,
        organization=tree.province,
        member=tree.member_a,
        level="province",
        reason="Đảng viên tiêu biểu năm 2025",
        on=yesterday(),
    )
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    page = client.get(reverse("activities:commendations", args=[tree.cell_a.pk])).content.decode()
    assert "Đảng viên tiêu biểu năm 2025" in page and "Tỉnh ủy Thử nghiệm" in page


def test_commendation_list_queries_do_not_grow(
    client, tree, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse("activities:commendations", args=[tree.branch_a.pk])
    client.get(url)
    for n in range(15):
        commendation_create(
            actor=None,
            organization=tree.branch_a,
            member=tree.member_a if n % 2 else None,
            commended_organization=None if n % 2 else tree.cell_a2,
            level="upper",
            reason=f"Thành tích {n}",
            on=yesterday(),
        )
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.context["page"].paginator.count == 15
