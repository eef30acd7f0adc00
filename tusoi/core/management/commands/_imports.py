"""What the import-* and export-* commands share: finding the root and the acting user,
reading the file, printing problems the way people read them, writing the error copy."""

from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from tusoi.orgs.imports import resolved_columns
from tusoi.orgs.models import Organization


def find_root(code: str | None) -> Organization:
    if not code:
        raise CommandError(_("Name the organisation to work in with --org CODE."))
    root = Organization.objects.filter(code__iexact=code.strip()).first()
    if root is None:
        raise CommandError(_("No organisation has code %(code)s.") % {"code": code})
    return root


def find_actor(username: str | None, as_system: bool) -> Any:
    if as_system and username:
        raise CommandError(_("Use either --user or --as-system, not both."))
    if as_system:
        return None
    if not username:
        raise CommandError(
            _("Say who imports with --user USERNAME (or --as-system for the system itself).")
        )
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account has username %(u)s.") % {"u": username})
    return user


class ImportCommand(BaseCommand):
    """`tusoi import-<kind> FILE --org CODE [--dry-run] [--user U | --as-system]`."""

    spec_module = ""  # dotted path of the spec (COLUMNS, validate, apply)
    template_title = ""

    @property
    def spec(self) -> ModuleType:
        import importlib

        return importlib.import_module(self.spec_module)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the workbook: .xlsx, .xls or .csv")
        parser.add_argument("--org", help="code of the organisation to import into")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--user", help="username of the person importing (scope and audit)")
        parser.add_argument(
            "--as-system", action="store_true", help="import as the system, without a user"
        )
        parser.add_argument(
            "--errors-out", help="where to write the copy with errors (default FILE.loi.xlsx)"
        )
        parser.add_argument(
            "--write-template", metavar="FILE.xlsx", help="write an empty template and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._run(**options)

    def _run(self, **options: Any) -> None:
        from tusoi.tabular import UnreadableFile, read_table, write_error_copy, write_template

        spec = self.spec
        columns = resolved_columns(spec.COLUMNS)
        if options["write_template"]:
            out = Path(options["write_template"])
            out.write_bytes(write_template(columns, title=str(self.template_title)))
            self.stdout.write(_("Template written to %(file)s.") % {"file": out})
            return
        if not options["file"]:
            raise CommandError(_("Name the workbook to import."))
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(_("File %(file)s does not exist.") % {"file": source})
        root = find_root(options["org"])
        actor = find_actor(options["user"], options["as_system"])
        data = source.read_bytes()
        try:
            table = read_table(data, source.name, columns)
        except UnreadableFile as exc:
            raise CommandError(exc.message, returncode=1) from exc
        plan = spec.validate(table, root=root, actor=actor)
        for warning in plan.warnings:
            self.stdout.write(_("warning: %(line)s") % {"line": plan.describe(warning)})
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(plan.describe(error))
            if table.rows or plan.errors[0].row:
                out = Path(options["errors_out"] or source.with_name(f"{source.stem}.loi.xlsx"))
                problems = [*plan.errors, *plan.warnings]
                out.write_bytes(write_error_copy(data, source.name, columns, problems))
                self.stderr.write(_("The rows with errors are marked in %(file)s.") % {"file": out})
            raise CommandError(
                _("%(n)d errors; nothing was imported.") % {"n": len(plan.errors)}, returncode=1
            )
        counts = {
            "rows": plan.rows,
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
            "warnings": len(plan.warnings),
        }
        if options["dry_run"]:
            self.stdout.write(
                _(
                    "dry run: %(rows)d rows would give %(created)d new, %(updated)d changed, "
                    "%(unchanged)d unchanged (%(warnings)d warnings); nothing was written."
                )
                % counts
            )
            return
        result = spec.apply(plan, actor=actor)
        self.stdout.write(
            _(
                "imported %(rows)d rows: %(created)d new, %(updated)d changed, "
                "%(unchanged)d unchanged."
            )
            % {
                "rows": plan.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )


class ExportCommand(BaseCommand):
    """`tusoi export-<kind> --org CODE OUT.xlsx|OUT.csv`."""

    spec_module = ""
    sheet_title = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="OUT.xlsx or OUT.csv")
        parser.add_argument("--org", help="code of the organisation whose subtree to export")

    def handle(self, *args: Any, **options: Any) -> None:
        import importlib

        from tusoi.tabular import write_csv, write_xlsx

        with translation.override(settings.LANGUAGE_CODE):
            spec = importlib.import_module(self.spec_module)
            root = find_root(options["org"])
            out = Path(options["out"])
            columns = resolved_columns(spec.COLUMNS)
            rows = spec.export_rows(root)
            if out.suffix.lower() == ".csv":
                data = write_csv(columns, rows)
            elif out.suffix.lower() == ".xlsx":
                data = write_xlsx(columns, rows, title=str(self.sheet_title))
            else:
                raise CommandError(_("Write to a .xlsx or .csv file."))
            out.write_bytes(data)
            self.stdout.write(_("Written to %(file)s.") % {"file": out})
