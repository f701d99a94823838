"""The records that are never changed: timelines, the budget ledger, text versions.

The database refuses an UPDATE or DELETE on their tables (triggers, see the migrations
and tests/content_workflow/test_append_only.py); this mixin says so earlier, in Python,
for a save() of a loaded row or a delete().
"""


class AppendOnly:
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name_plural} are append-only.")
