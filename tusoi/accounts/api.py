"""The caller's own account over the JSON API."""

from typing import Any

from ninja import Router, Schema

from tusoi.accounts.models import RoleGrant
from tusoi.api import AUTH_PENDING_PASSWORD_OK, ERRORS
from tusoi.members.api import CellRef
from tusoi.members.models import Member

router = Router()


class MemberRef(Schema):
    id: int
    full_name: str
    cell: CellRef


class OrgRef(Schema):
    id: int
    code: str
    name: str


class GrantOut(Schema):
    role: str
    role_label: str
    organization: OrgRef

    @staticmethod
    def resolve_role_label(obj: RoleGrant) -> str:
        return str(obj.get_role_display())


class MeOut(Schema):
    username: str
    full_name: str
    must_change_password: bool
    member: MemberRef | None
    grants: list[GrantOut]


@router.get(
    "/me",
    response={200: MeOut, **ERRORS},
    url_name="me",
    auth=AUTH_PENDING_PASSWORD_OK,
    summary="Who the caller is: account, linked member record and active role grants",
)
def me(request) -> dict[str, Any]:
    """Answers even before the one-time password is changed, so a client can say so."""
    user = request.auth
    member = (
        Member.objects.select_related("cell").filter(pk=user.member_id).first()
        if user.member_id
        else None
    )
    grants = (
        RoleGrant.objects.filter(user=user, valid_to__isnull=True)
        .select_related("organization")
        .order_by("organization__path", "role")
    )
    return {
        "username": user.username,
        "full_name": member.full_name if member else user.get_full_name(),
        "must_change_password": user.must_change_password,
        "member": member,
        "grants": list(grants),
    }
