from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content_workflow import demo as workflow_demo
from disciplines.defaults import ensure_default_catalogue
from disciplines.models import ApplicationArea, Discipline
from governance.defaults import ensure_default_activities
from governance.demo import DEMO_ACCOUNTS, seed_accounts, seed_memberships, seed_model
from governance.models import Activity
from roles import demo as roles_demo
from roles.defaults import ensure_default_matrix
from roles.models import Competency, CompetencyCategory, JobProfile, RequiredLevel


class Command(BaseCommand):
    help = "Load demo accounts and default content. Idempotent. Demo passwords: never in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo passwords would then exist on that system).",
        )
        parser.add_argument(
            "--scale",
            choices=["small", "medium", "large"],
            default="small",
            help="small: the demo accounts and a handful of requests (the default). large: on top of that, "
            "a large company's history for the benchmarks (5,000 people, 100,000 requests; PostgreSQL only, "
            "about two minutes). medium: the same company at a twentieth (seconds).",
        )

    def handle(self, *args, force=False, scale="small", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password and refuses to run with DEBUG off. "
                "Use --force only on a throwaway system."
            )
        with transaction.atomic():
            created = seed_accounts(password=settings.DEMO_PASSWORD)
            # The defaults are loaded by migrations too; a flushed test database lacks them.
            ensure_default_catalogue(Discipline, ApplicationArea)
            ensure_default_activities(Activity)
            ensure_default_matrix(JobProfile, CompetencyCategory, Competency, RequiredLevel)
            admin = get_user_model().objects.get(username="admin")
            seed_memberships(actor=admin)
            seed_model(actor=admin)
            roles_demo.seed(actor=admin)
            workflow_demo.seed(actor=admin)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created demo accounts: {', '.join(created)}"))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write("Demo sign-ins (demo only, password from DEMO_PASSWORD, default 'demo'):")
        for username, first_name, last_name, role in DEMO_ACCOUNTS:
            label = role.label if role else "administrator"
            self.stdout.write(f"  {username:<13} {first_name} {last_name}, {label}")
        if scale != "small":
            self._generate(scale)

    def _generate(self, scale):
        from governance import large_demo

        size = large_demo.SIZES[scale]
        self.stdout.write(f"Generating the {scale} set ({size.requests:,} requests):")
        try:
            totals = large_demo.generate(password=settings.DEMO_PASSWORD, size=size, out=self.stdout)
        except large_demo.AlreadyGenerated as exc:
            raise CommandError(
                f"A generated set is already in this database ({exc.args[0]:,} generated users); nothing changed. "
                "To generate it afresh, drop and re-create the database first."
            ) from None
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{scale.capitalize()} set ready: {totals['requests']:,} requests."))
