"""Placeholder: being written."""

from ninja import Router

router = Router()

from tusoi.monitoring.api_dashboard import router as dashboard_router  # noqa: E402

router.add_router("", dashboard_router)

from tusoi.monitoring.api_progress import router as progress_router  # noqa: E402

router.add_router("", progress_router)
