from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "tusoi.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and progress reports")

    def ready(self) -> None:
        # The writers of other apps publish their changes; the per-cell tallies follow them.
        from tusoi.monitoring.tallies import subscribe

        subscribe()
