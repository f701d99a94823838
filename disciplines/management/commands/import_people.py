"""`manage.py import_people people.csv [--apply] [--deactivate-missing]`: the people import
for scheduled syncs from a directory export (disciplines/people_import/).

Without --apply it is a dry run. With errors it saves nothing and exits with status 1,
so a cron job or CI step notices.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from disciplines.people_import import ImportError_, parse_csv, people_import


class Command(BaseCommand):
    help = "Import people from a CSV file (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header line (see the sample on the import page).")
        parser.add_argument("--apply", action="store_true", help="Save the changes (default: dry run).")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate people with a membership who are not in the file (never deletes anyone).",
        )
        parser.add_argument("--json", action="store_true", help="Print the full result as JSON.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                content = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from None
        try:
            rows = parse_csv(content)
        except ImportError_ as exc:
            raise CommandError(" ".join(exc.messages)) from None
        # Whoever runs a command on the server is trusted: no actor, no permission check.
        try:
            plan = people_import(
                actor=None, rows=rows, apply=options["apply"], deactivate_missing=options["deactivate_missing"]
            )
        except ImportError_ as exc:  # a concurrent change: nothing saved, run it again
            raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict(), indent=2, default=str))
        else:
            for error in plan.errors:
                self.stderr.write(f"row {error.row}: {error.field}: {error.message}")
            summary = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in plan.summary().items())
            mode = "applied" if plan.applied else "dry run"
            self.stdout.write(f"{mode}: {summary}")
        if not plan.ok:
            raise CommandError(f"{plan.error_count} row error(s); nothing was saved.")
