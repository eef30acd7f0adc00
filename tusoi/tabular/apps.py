from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    name = "tusoi.tabular"
    label = "tabular"
    verbose_name = _("Spreadsheets")
