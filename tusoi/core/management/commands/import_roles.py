"""`tusoi import-roles FILE --org CODE [--dry-run] [--user U | --as-system]`."""

from tusoi.core.management.commands._imports import ImportCommand


class Command(ImportCommand):
    help = "Import roles from a workbook (.xlsx, .xls, .csv) into a subtree; all or nothing."
    spec_module = "tusoi.accounts.imports"
    template_title = "Vai trò"
