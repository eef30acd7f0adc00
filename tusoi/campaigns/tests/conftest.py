import datetime

import pytest

from tusoi.campaigns.services import campaign_create


@pytest.fixture
def new_campaign():
    """new_campaign(org, **overrides) -> a draft campaign created by the system."""

    def _make(org, **overrides):
        data = {
            "actor": None,
            "organization": org,
            "title": "Tự phê bình năm 2025",
            "theme": "Phòng, chống suy thoái",
            "starts_on": datetime.date(2025, 11, 1),
            "ends_on": datetime.date(2025, 12, 31),
        }
        data.update(overrides)
        return campaign_create(**data)

    return _make
