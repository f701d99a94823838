from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile .po catalogues to .mo in pure Python.

    Django's own compilemessages needs GNU gettext, which a fresh machine may lack;
    `make run` and `make test` must work with nothing but Python installed.
    """

    help = "Compile the translation catalogues in LOCALE_PATHS (no GNU gettext needed)."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path}")
