"""`tusoi export-orgs --org CODE OUT.xlsx|OUT.csv`: the subtree in import format."""

from tusoi.core.management.commands._imports import ExportCommand


class Command(ExportCommand):
    help = "Export the orgs of a subtree to .xlsx or .csv, in the import format."
    spec_module = "tusoi.orgs.imports"
    sheet_title = "Tổ chức"
