from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "tusoi.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Job handlers live in each app's tasks.py; importing them here lets every process
        # (web, commands, worker) know every job kind.
        autodiscover_modules("tasks")
