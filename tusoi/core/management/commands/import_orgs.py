"""`tusoi import-orgs FILE --org CODE [--dry-run] [--user U | --as-system]`."""

from tusoi.core.management.commands._imports import ImportCommand


class Command(ImportCommand):
    help = "Import orgs from a workbook (.xlsx, .xls, .csv) into a subtree; all or nothing."
    spec_module = "tusoi.orgs.imports"
    template_title = "Tổ chức"
