from django.utils.translation import get_language


def localized(obj, field):
    """The German variant of a bilingual content field when German is active and filled.

    Default content ships in English and German (`name` and `name_de`); a lead who edits
    only the English text still sees it in German pages rather than an empty label.
    """
    if (get_language() or "").startswith("de"):
        value = getattr(obj, f"{field}_de", "")
        if value:
            return value
    return getattr(obj, field)


class Bilingual:
    """`label` and `text` of a model with bilingual content fields (`name`/`name_de`,
    `description`/`description_de`), in the active language."""

    label_field = "name"
    text_field = "description"

    @property
    def label(self):
        return localized(self, self.label_field)

    @property
    def text(self):
        return localized(self, self.text_field)
