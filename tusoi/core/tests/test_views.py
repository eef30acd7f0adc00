from django.urls import reverse

from tusoi.orgs.permissions import Role


def test_home_shows_own_record_and_own_cell_to_a_plain_member(tree, make_user, client):
    client.force_login(make_user(member=tree.member_a))
    html = client.get(reverse("core:home")).content.decode()
    assert f'<a href="{reverse("members:detail", args=[tree.member_a.pk])}">' in html
    cell_url = reverse("orgs:detail", args=[tree.cell_a.pk])
    assert f'<a href="{cell_url}">{tree.cell_a.name}</a>' in html
    assert "Chào mừng" in html


def test_home_lists_the_organisations_the_user_follows(tree, make_user, client):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    from tusoi.testing.factories import grant

    grant(user, tree.cell_b, Role.SUPERVISOR)
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("orgs:detail", args=[tree.branch_a.pk]) in html
    assert reverse("orgs:detail", args=[tree.cell_b.pk]) in html
    assert reverse("orgs:detail", args=[tree.province.pk]) not in html
    assert "Bản ghi của tôi" not in html


def test_home_tells_a_user_without_roles_whom_to_ask(make_user, client, db):
    client.force_login(make_user())
    html = client.get(reverse("core:home")).content.decode()
    assert "Bạn chưa theo dõi tổ chức nào" in html


def test_nav_links_reach_the_main_pages(tree, make_user, client):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    html = client.get(reverse("core:home")).content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    for name in ("core:home", "orgs:tree", "members:search", "accounts:profile"):
        assert f'href="{reverse(name)}"' in nav
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def test_home_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_page_offers_the_campaigns_and_the_account_page_the_jobs(client, tree, make_user):
    from django.urls import reverse

    from tusoi.orgs.permissions import Role

    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("campaigns:list")}"' in home and "Đợt sinh hoạt" in home
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("jobs:list")}"' in profile
