"""Meetings over the JSON API: registration (api_registration.py) and records (api_record.py),
under the same scoping selectors as the pages."""

from ninja import Router

from tusoi.meetings.api_record import router as record_router
from tusoi.meetings.api_registration import router as registration_router

router = Router()
router.add_router("", registration_router)
router.add_router("", record_router)
