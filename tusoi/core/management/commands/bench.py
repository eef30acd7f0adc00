"""`tusoi bench <name>`: timings on the database in DATABASE_URL (not tests)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a benchmark: `bench import --rows 100000 [--keep]`, `bench dedup [--docs 20000]`, "
        "`bench dedup --index 1000000`, `bench dashboard --scale province [--reuse]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="bench", required=True)
        imp = sub.add_parser("import", help="time reading, validating and importing members")
        imp.add_argument("--rows", type=int, default=100_000, help="member rows (default 100000)")
        imp.add_argument("--seed", type=int, default=2024, help="generator seed (default 2024)")
        imp.add_argument(
            "--keep", action="store_true", help="keep the imported data instead of removing it"
        )

        dedup = sub.add_parser("dedup", help="copy detection: TuSoi against datasketch")
        dedup.add_argument("--docs", type=int, default=20_000, help="reports (default 20000)")
        dedup.add_argument(
            "--sample", type=int, default=2_000, help="reports checked exactly (default 2000)"
        )
        dedup.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
        dedup.add_argument(
            "--index", type=int, metavar="N", help="time queries of the index holding N texts"
        )
        dedup.add_argument(
            "--keep", action="store_true", help="with --index: keep the index afterwards"
        )

        dash = sub.add_parser("dashboard", help="dashboard figures from tallies against a recount")
        dash.add_argument("--scale", choices=("province", "national"), default="province")
        dash.add_argument(
            "--reuse", action="store_true", help="reuse the bench campaign's reports and meetings"
        )
        dash.add_argument("--seed", type=int, default=2024, help="seed of the tree (default 2024)")

    def handle(self, *args: Any, bench: str, **options: Any) -> None:
        if bench == "import":
            from tusoi.core.benchmarks.imports import run_import_bench

            run_import_bench(
                rows=options["rows"],
                keep=options["keep"],
                seed=options["seed"],
                out=lambda line: self.stdout.write(line),
            )
        elif bench == "dedup":
            from tusoi.core.benchmarks import dedup

            def out(line: str) -> None:
                self.stdout.write(line)
                self.stdout.flush()

            if options["index"]:
                dedup.run_index_bench(
                    size=options["index"], seed=options["seed"], keep=options["keep"], out=out
                )
            else:
                dedup.run_dedup_bench(
                    docs=options["docs"], sample=options["sample"], seed=options["seed"], out=out
                )
        elif bench == "dashboard":
            from tusoi.core.benchmarks.dashboard import run_dashboard_bench

            def say(line: str) -> None:
                self.stdout.write(line)
                self.stdout.flush()

            run_dashboard_bench(
                scale=options["scale"], reuse=options["reuse"], seed=options["seed"], out=say
            )
