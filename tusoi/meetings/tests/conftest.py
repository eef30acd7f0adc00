"""Shared helpers of the meetings tests: an open campaign of the province around today, the
cell's secretary, committee staff and a supervisor of branch A, and registering a meeting."""

import datetime

import pytest
from django.utils import timezone

from tusoi.meetings.models import Meeting
from tusoi.meetings.services.registration import PhaseInput, meeting_register
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_open_campaign
from tusoi.testing.factories import UserFactory, grant

__all__ = ["make_open_campaign", "phase", "register", "secretary_of", "day"]

PLACE = "Hội trường khu phố 1"


def day(offset: int) -> datetime.date:
    """Today plus `offset` days."""
    return timezone.localdate() + datetime.timedelta(days=offset)


def phase(
    on: datetime.date,
    *,
    at: datetime.time | None = datetime.time(8, 0),
    place: str = PLACE,
    link: str = "",
    members=(),
) -> PhaseInput:
    return PhaseInput(
        on=on, at=at, place=place, online_link=link, member_ids=[m.pk for m in members]
    )


def secretary_of(cell, **kwargs):
    user = UserFactory(**kwargs)
    grant(user, cell, Role.SECRETARY)
    return user


def register(campaign, cell, *, actor=None, phases=None) -> Meeting:
    """Register the cell's meeting, one phase in a week's time unless `phases` says otherwise."""
    return meeting_register(
        actor=actor or secretary_of(cell),
        campaign=campaign,
        cell=cell,
        phases=phases or [phase(day(7))],
    )


@pytest.fixture
def campaign(tree):
    return make_open_campaign(tree.province)


@pytest.fixture
def secretary(tree):
    return secretary_of(tree.cell_a, first_name="Hà", last_name="Nguyễn")


@pytest.fixture
def committee(tree, make_user):
    return make_user(tree.branch_a, Role.COMMITTEE)


@pytest.fixture
def supervisor(tree, make_user):
    return make_user(tree.branch_a, Role.SUPERVISOR, first_name="Bình", last_name="Lê")
