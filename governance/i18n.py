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
