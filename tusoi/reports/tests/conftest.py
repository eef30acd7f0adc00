import datetime

import pytest

from tusoi.campaigns.models import Campaign


def make_campaign(org, title="Giữ trọn lời thề đảng viên"):
    return Campaign.objects.create(
        organization=org,
        title=title,
        theme="Tự soi, tự sửa",
        starts_on=datetime.date(2024, 3, 25),
        ends_on=datetime.date(2024, 11, 30),
        status="open",
    )


@pytest.fixture
def campaign(tree):
    return make_campaign(tree.province)
