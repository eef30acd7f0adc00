"""`tusoi export-members --org CODE OUT.xlsx|OUT.csv`: the subtree in import format."""

from tusoi.core.management.commands._imports import ExportCommand


class Command(ExportCommand):
    help = "Export the members of a subtree to .xlsx or .csv, in the import format."
    spec_module = "tusoi.members.imports"
    sheet_title = "Đảng viên"
