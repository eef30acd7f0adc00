"""`tusoi bench <name>`: timings on the database in DATABASE_URL (not tests)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run a benchmark: `bench import --rows 100000 [--keep]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="bench", required=True)
        imp = sub.add_parser("import", help="time reading, validating and importing members")
        imp.add_argument("--rows", type=int, default=100_000, help="member rows (default 100000)")
        imp.add_argument("--seed", type=int, default=2024, help="generator seed (default 2024)")
        imp.add_argument(
            "--keep", action="store_true", help="keep the imported data instead of removing it"
        )

    def handle(self, *args: Any, bench: str, **options: Any) -> None:
        if bench == "import":
            from tusoi.core.benchmarks.imports import run_import_bench

            run_import_bench(
                rows=options["rows"],
                keep=options["keep"],
                seed=options["seed"],
                out=lambda line: self.stdout.write(line),
            )
