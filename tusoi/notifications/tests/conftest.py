import pytest

from tusoi.notifications.models import Notification, NotificationKind


def make_notification(user, title="Báo cáo của đồng chí đã được chấp nhận", **fields):
    data = {"kind": NotificationKind.REPORT_ACCEPTED, "url": "/reports/my/"}
    data.update(fields)
    return Notification.objects.create(user=user, title=title, **data)


@pytest.fixture
def writer(tree, make_user):
    """Member A's own account."""
    return make_user(member=tree.member_a, email="an@example.vn")


@pytest.fixture
def stranger(tree, make_user):
    """Member B's account: another user with notifications of their own."""
    return make_user(member=tree.member_b)
