from tusoi.members.selectors import members_visible_to
from tusoi.orgs.permissions import ANONYMOUS, Action, Role, scope_for
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.orgs.services import organization_move
from tusoi.testing.factories import grant


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_anonymous_reaches_nothing(tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()) is ANONYMOUS
    assert not organizations_visible_to(AnonymousUser()).exists()
    assert not members_visible_to(AnonymousUser()).exists()


def test_committee_sees_its_subtree_and_not_the_sibling(tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    assert codes(organizations_visible_to(user)) == {"A", "A1", "A2"}
    assert set(members_visible_to(user)) == {tree.member_a, tree.member_a2}


def test_secretary_reaches_only_the_cell(tree, make_user):
    user = make_user(tree.cell_a, Role.SECRETARY)
    assert codes(organizations_visible_to(user)) == {"A1"}
    assert codes(organizations_visible_to(user, Action.EDIT_ORGS)) == set()
    assert set(members_visible_to(user, Action.EDIT_MEMBERS)) == {tree.member_a}


def test_plain_member_sees_own_record_and_cell_name_only(tree, make_user):
    user = make_user(tree.cell_a, Role.MEMBER, member=tree.member_a)
    assert codes(organizations_visible_to(user)) == {"A1"}
    assert set(members_visible_to(user)) == {tree.member_a}
    assert not members_visible_to(user, Action.EDIT_MEMBERS).exists()


def test_supervisor_reads_but_does_not_edit(tree, make_user):
    user = make_user(tree.branch_b, Role.SUPERVISOR)
    assert codes(organizations_visible_to(user)) == {"B", "B1"}
    assert not members_visible_to(user, Action.EDIT_MEMBERS).exists()
    assert scope_for(user).covers(Action.READ_REPORT_TEXT, tree.cell_b.path)


def test_committee_does_not_read_report_text(tree, make_user):
    user = make_user(tree.province, Role.COMMITTEE)
    assert scope_for(user).covers(Action.VIEW, tree.cell_b.path)
    assert not scope_for(user).covers(Action.READ_REPORT_TEXT, tree.cell_b.path)


def test_superuser_administers_all_but_reads_no_report_text(tree, make_user):
    user = make_user(is_superuser=True)
    assert codes(organizations_visible_to(user, Action.EDIT_ORGS)) >= {"TU", "A", "B", "A1", "B1"}
    assert not scope_for(user).covers(Action.READ_REPORT_TEXT, tree.cell_a.path)


def test_revoked_grant_no_longer_reaches(tree, make_user):
    from django.utils import timezone

    user = make_user()
    g = grant(user, tree.branch_a, Role.COMMITTEE)
    g.valid_to = timezone.now()
    g.save()
    assert not organizations_visible_to(user).exists()


def test_scope_follows_a_moved_subtree(tree, make_user):
    user = make_user(tree.branch_b, Role.COMMITTEE)
    organization_move(actor=None, org=tree.cell_a, new_parent=tree.branch_b)
    fresh = type(user).objects.get(pk=user.pk)
    assert "A1" in codes(organizations_visible_to(fresh))
    assert tree.member_a in set(members_visible_to(fresh))


def test_grants_on_two_branches_combine(tree, make_user):
    user = make_user(tree.cell_a, Role.SECRETARY)
    grant(user, tree.branch_b, Role.SUPERVISOR)
    assert codes(organizations_visible_to(user)) == {"A1", "B", "B1"}
    assert set(members_visible_to(user, Action.EDIT_MEMBERS)) == {tree.member_a}


def test_committee_may_not_grant_administrator(tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    scope = scope_for(user)
    assert Role.SECRETARY in scope.grantable_roles(tree.cell_a.path)
    assert Role.ADMIN not in scope.grantable_roles(tree.cell_a.path)
    assert scope.grantable_roles(tree.cell_b.path) == set()


def test_scope_is_read_in_one_query_per_request(tree, make_user, django_assert_num_queries):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)
