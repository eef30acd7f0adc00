import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.audit.models import AuditEvent
from tusoi.audit.selectors import audit_events_visible_to, event_changes
from tusoi.audit.services import audit_record
from tusoi.members.models import MemberStatus
from tusoi.orgs.permissions import Role
from tusoi.orgs.services import organization_update
from tusoi.testing.factories import make_member


def record_names(html: str) -> list[str]:
    return re.findall(r'data-label="Bản ghi"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def committee(tree, make_user, client):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def test_events_visible_only_inside_the_view_audit_scope(tree, make_user):
    committee_a = make_user(tree.branch_a, Role.COMMITTEE)
    orgs = {e.organization_id for e in audit_events_visible_to(committee_a)}
    assert orgs == {tree.branch_a.pk, tree.cell_a.pk, tree.cell_a2.pk}
    assert not audit_events_visible_to(make_user(tree.cell_a, Role.SECRETARY)).exists()
    assert not audit_events_visible_to(make_user(member=tree.member_a)).exists()


def test_superuser_sees_every_event(tree, make_user):
    boss = make_user(is_superuser=True)
    assert audit_events_visible_to(boss).count() == AuditEvent.objects.count()


def test_org_page_shows_the_subtree_newest_first(tree, committee, client):
    later = make_member(tree.cell_a2, "Phạm Văn Sau")
    html = client.get(reverse("audit:org", args=[tree.branch_a.pk])).content.decode()
    names = record_names(html)
    assert names[0] == str(later)
    assert str(tree.member_a) in names and str(tree.member_a2) in names
    assert str(tree.member_b) not in html
    assert tree.branch_b.name not in html


def test_org_page_of_a_cell_leaves_out_its_sibling(tree, committee, client):
    html = client.get(reverse("audit:org", args=[tree.cell_a.pk])).content.decode()
    assert str(tree.member_a) in html
    assert str(tree.member_a2) not in html


def test_changes_show_translated_field_names_and_values(tree, committee, client):
    organization_update(
        actor=committee,
        org=tree.cell_a,
        name="Chi bộ khu phố Một",
        code="A1",
        kind=tree.cell_a.kind,
    )
    html = client.get(reverse("audit:org", args=[tree.cell_a.pk])).content.decode()
    assert '<span class="field-name">Tên</span>: Chi bộ khu phố 1 → Chi bộ khu phố Một' in html
    assert "Đã sửa" in html


def test_event_changes_label_choices_booleans_and_dates(tree):
    event = audit_record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        target=tree.member_a,
        organization=tree.cell_a,
        changes={
            "status": [MemberStatus.ACTIVE, MemberStatus.EXEMPT],
            "is_leader": [False, True],
            "admitted_on": ["2005-03-02", "2005-04-02"],
            "unknown_field": ["x", None],
        },
    )
    rows = {c.label: (c.before, c.after) for c in event_changes(event)}
    status_label = str(tree.member_a._meta.get_field("status").verbose_name)
    assert rows[status_label] == (str(MemberStatus.ACTIVE.label), str(MemberStatus.EXEMPT.label))
    leader_label = str(tree.member_a._meta.get_field("is_leader").verbose_name)
    assert rows[leader_label] == ("không", "có")
    admitted_label = str(tree.member_a._meta.get_field("admitted_on").verbose_name)
    assert rows[admitted_label] == ("02/03/2005", "02/04/2005")
    assert rows["unknown_field"] == ("x", "—")


def test_time_is_shown_dd_mm_yyyy_in_vietnam_time(tree, committee, client):
    event = AuditEvent.objects.filter(organization=tree.cell_a).first()
    AuditEvent.objects.filter(pk=event.pk).update(
        at=datetime.datetime(2024, 3, 5, 20, 30, tzinfo=datetime.UTC)
    )
    html = client.get(reverse("audit:org", args=[tree.cell_a.pk])).content.decode()
    assert "06/03/2024 03:30" in html


def test_pages_hold_fifty_events(tree, committee, client):
    already = AuditEvent.objects.filter(organization=tree.cell_a).count()
    for i in range(120 - already):
        audit_record(
            actor=committee,
            action=AuditEvent.Action.UPDATE,
            target=tree.member_a,
            organization=tree.cell_a,
            note=f"sửa {i}",
        )
    url = reverse("audit:org", args=[tree.cell_a.pk])
    first = client.get(url).content.decode()
    assert first.count("<tr>") == 1 + 50
    assert f"sửa {119 - already}" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count("<tr>") == 1 + 20
    assert "Trang 3 / 3" in last


def test_secretary_cannot_read_the_audit_trail(tree, make_user, client):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    assert client.get(reverse("audit:org", args=[tree.cell_a.pk])).status_code == 404
    assert client.get(reverse("audit:member", args=[tree.member_a.pk])).status_code == 404


def test_member_page_lists_only_that_members_events(tree, committee, client):
    other = make_member(tree.cell_a, "Trần Thị Khác")
    audit_record(
        actor=committee,
        action=AuditEvent.Action.UPDATE,
        target=tree.member_a,
        organization=tree.cell_a,
        changes={"position": ["", "Phó bí thư"]},
    )
    html = client.get(reverse("audit:member", args=[tree.member_a.pk])).content.decode()
    assert "Phó bí thư" in html
    assert str(other) not in html
    assert record_names(html) == [str(tree.member_a), str(tree.member_a)]


def test_member_page_of_sibling_branch_is_404(tree, committee, client):
    assert client.get(reverse("audit:member", args=[tree.member_b.pk])).status_code == 404


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_audit_page_query_count_does_not_grow_with_events(tree, make_user, client):
    actor = make_user(tree.branch_a, Role.COMMITTEE, member=tree.member_a2)
    client.force_login(actor)
    url = reverse("audit:org", args=[tree.cell_a.pk])
    for i in range(4):
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=tree.member_a,
            organization=tree.cell_a,
            changes={"position": [str(i), str(i + 1)]},
        )
    few = count_queries(client, url)
    for i in range(45):
        other = make_user(tree.branch_a, Role.COMMITTEE)
        audit_record(
            actor=other,
            action=AuditEvent.Action.UPDATE,
            target=tree.member_a,
            organization=tree.cell_a,
            changes={"position": [str(i), str(i + 1)]},
        )
    assert count_queries(client, url) == few
    member_url = reverse("audit:member", args=[tree.member_a.pk])
    assert count_queries(client, member_url) == few


def test_creation_events_leave_out_fields_that_stayed_empty(tree):
    event = AuditEvent.objects.get(target_type="members.member", target_id=tree.member_a.pk)
    labels = [c.label for c in event_changes(event)]
    assert str(tree.member_a._meta.get_field("full_name").verbose_name) in labels
    assert str(tree.member_a._meta.get_field("citizen_id").verbose_name) not in labels


def test_action_names_do_not_borrow_other_apps_translations(tree, committee, client):
    html = client.get(reverse("audit:org", args=[tree.cell_a.pk])).content.decode()
    actions = re.findall(r'<td data-label="[^"]+">(Đã [^<]+|Ngày tạo)</td>', html)
    assert actions and set(actions) == {"Đã tạo"}
