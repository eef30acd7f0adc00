"""`tusoi seed --scale demo|province|national [--seed N]`: realistic generated data, resumable."""

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tusoi.core.seeding.generator import PUBLIC_SCALES, SCALES
from tusoi.core.seeding.runner import DEMO_PASSWORD, SeedConflict, seed_run


class Command(BaseCommand):
    help = (
        "Generate realistic party organisations and members. demo: one province of about 3,000 "
        "members with a login per role; province: about 165,000 members; national: about 5.6 "
        "million. Same --seed, same data. A killed run resumes after its last finished batch "
        "(run the same command again; on PostgreSQL that also rebuilds the member indexes a "
        "large load drops while it writes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", default="demo", help=f"one of {', '.join(PUBLIC_SCALES)} (default demo)"
        )
        parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
        # For the tests and for trying out a resume: stop after this many new batches.
        parser.add_argument("--stop-after", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, scale: str, seed: int, stop_after: int | None, **options) -> None:
        if scale not in SCALES:
            raise CommandError(f"Unknown scale {scale!r}; use one of {', '.join(PUBLIC_SCALES)}.")
        try:
            result = seed_run(
                scale=scale,
                seed=seed,
                stop_after=stop_after,
                progress=lambda line: self.stdout.write(f"seed: {line}"),
            )
        except SeedConflict as exc:
            raise CommandError(str(exc)) from exc
        if not result.complete:
            self.stdout.write(
                f"seed: stopped after {result.batches_written} batches; run the same command "
                "again to resume."
            )
        elif result.batches_written == 0:
            self.stdout.write(f"seed: {scale} (seed {seed}) was already complete.")
        for login in result.logins:
            self.stdout.write(
                f"login: {login.username:<9} password: {DEMO_PASSWORD}  "
                f"role: {login.role}, {login.where}"
            )
        self.stdout.write(
            f"seed: {scale} {result.members} members, {result.cells} cells "
            f"in {result.seconds:.1f} s"
        )
