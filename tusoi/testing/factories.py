"""factory_boy factories shared by every app's tests. Objects are built through the services
where the services keep derived data (tree paths, sort keys, history) consistent."""

import datetime
import importlib
import itertools

import factory
from django.contrib.auth import get_user_model

from tusoi.accounts.models import RoleGrant
from tusoi.members.models import Gender, Member
from tusoi.members.services import member_create
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.services import organization_create

_codes = itertools.count(1)
_cards = itertools.count(10_000_001)


_DEFAULT_KINDS = importlib.import_module("tusoi.orgs.migrations.0002_default_kinds").KINDS


def kind(code: str) -> OrgKind:
    """A default kind; recreated when a live-server test's flush removed the migration's rows."""
    name, is_cell, order = next((n, c, o) for k, n, c, o in _DEFAULT_KINDS if k == code)
    found, _created = OrgKind.objects.get_or_create(
        code=code, defaults={"name": name, "is_cell": is_cell, "sort_order": order}
    )
    return found


def make_org(
    name: str | None = None,
    *,
    parent: Organization | None = None,
    kind_code: str | None = None,
    code: str | None = None,
) -> Organization:
    """An organisation; a cell kind when `kind_code` is omitted and `parent` is given."""
    n = next(_codes)
    if kind_code is None:
        kind_code = "chi-bo" if parent is not None else "tinh-uy"
    return organization_create(
        actor=None,
        code=code or f"ORG{n:05d}",
        name=name or f"Tổ chức {n}",
        kind=kind(kind_code),
        parent=parent,
    )


def make_member(cell: Organization, full_name: str = "Nguyễn Văn An", **fields) -> Member:
    n = next(_cards)
    data = {
        "card_number": f"{n:08d}",
        "full_name": full_name,
        "birth_date": datetime.date(1980, 5, 17),
        "gender": Gender.MALE,
        "admitted_on": datetime.date(2005, 3, 2),
        "official_on": datetime.date(2006, 3, 2),
    }
    data.update(fields)
    registered_on = data.pop("registered_on", datetime.date(2020, 1, 1))
    return member_create(actor=None, cell=cell, registered_on=registered_on, **data)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "mật-khẩu-thử-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


PASSWORD = "mật-khẩu-thử-123"


def grant(user, org: Organization, role: str) -> RoleGrant:
    return RoleGrant.objects.create(user=user, organization=org, role=role)
