"""Django admin for organisational models, their units, activities and the RACI matrix.

The admin writes through `governance.services` like every other front-end: a published
model is read-only here too (copy it to a draft), publishing runs the same rules, and
an error a service raises becomes a message instead of a 500.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from governance import services
from governance.errors import DomainError
from governance.models import Activity, Hub, OrganisationalModel, Responsibility, Spoke, UserProfile
from governance.validation import model_problems


def error_texts(exc):
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc.message)]


class ServiceErrorsAsMessages:
    """A rule a service enforces (not a draft, not a unit of the model...) answers with a message.

    The admin runs the whole save in one transaction, so nothing of the refused change
    stays; the page reloads with the reason on top.
    """

    def _refused(self, request, exc):
        self.message_user(
            request, _("Nothing was saved: %(reason)s") % {"reason": " ".join(error_texts(exc))}, messages.ERROR
        )
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, DomainError) as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, DomainError) as exc:
            return self._refused(request, exc)


class CachedChoicesMixin:
    """Inline rows share the choice lists of their selects: one query per list, not one per row."""

    cached_choice_fields = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = self.cached_choice_fields
        cache = {}

        class Form(formset.form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                for name in fields:
                    if name in self.fields:
                        if name not in cache:
                            cache[name] = list(self.fields[name].choices)
                        self.fields[name].choices = cache[name]

        formset.form = Form
        return formset


def _is_draft(obj):
    return obj is None or obj.is_draft


class DraftOnlyInline(CachedChoicesMixin, admin.TabularInline):
    """Rows of a draft are edited in place; those of a published model are shown read-only."""

    extra = 0
    select_related = ()

    def get_queryset(self, request):
        # Each row shows its object's name, which reads these relations.
        return super().get_queryset(request).select_related(*self.select_related)

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class HubInline(DraftOnlyInline):
    model = Hub
    fields = ["name", "home_discipline", "lead", "is_coordinating_centre"]
    autocomplete_fields = ["lead"]
    cached_choice_fields = ["home_discipline"]
    select_related = ["home_discipline"]


class SpokeInline(DraftOnlyInline):
    model = Spoke
    fields = ["discipline", "hub", "liaison"]
    autocomplete_fields = ["liaison"]
    cached_choice_fields = ["discipline", "hub"]
    select_related = ["discipline"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hub":
            # Only the hubs of the model being edited.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Hub.objects.filter(model_id=object_id) if object_id else Hub.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ResponsibilityInline(DraftOnlyInline):
    model = Responsibility
    fields = ["activity", "discipline", "role"]
    cached_choice_fields = ["activity", "discipline"]
    select_related = ["activity", "discipline"]
    verbose_name_plural = _("responsibilities (RACI cells)")


@admin.register(OrganisationalModel)
class OrganisationalModelAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = [
        "name",
        "type",
        "status",
        "executive_sponsor",
        "hub_count",
        "spoke_count",
        "published_at",
        "updated_at",
    ]
    list_filter = ["status", "type"]
    search_fields = ["name", "notes"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["executive_sponsor"]
    list_select_related = ["executive_sponsor"]
    readonly_fields = [
        "status",
        "problems",
        "based_on",
        "created_by",
        "created_at",
        "updated_at",
        "published_by",
        "published_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "type", "executive_sponsor", "notes"]}),
        (_("State"), {"fields": ["status", "problems", "based_on"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at", "published_by", "published_at"]}),
    ]
    inlines = [HubInline, SpokeInline, ResponsibilityInline]
    actions = ["publish_draft", "copy_to_draft"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(hub_count=Count("hubs", distinct=True), spoke_count=Count("spokes", distinct=True))
        )

    @admin.display(description=_("hubs"), ordering="hub_count")
    def hub_count(self, obj):
        return obj.hub_count

    @admin.display(description=_("spokes"), ordering="spoke_count")
    def spoke_count(self, obj):
        return obj.spoke_count

    @admin.display(description=_("problems before publishing"))
    def problems(self, obj):
        if obj is None or obj.pk is None or not obj.is_draft:
            return "–"
        problems = model_problems(obj)
        if not problems:
            return _("None: the draft can be published.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{} <code>{}</code></li>", ((p.message, p.code) for p in problems))
        )

    # A published model is a record: it is viewed, copied, never changed or deleted.
    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.MODEL_FIELDS}
        if change:
            services.model_update(model=obj, actor=request.user, **fields)
            return
        created = services.model_create(actor=request.user, **fields)
        # The admin goes on with `obj` (inlines, log entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.model_delete(model=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for model in queryset:
            try:
                services.model_delete(model=model, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{model}: {exc.message}", messages.WARNING)

    def save_formset(self, request, form, formset, change):
        save = {Hub: self._save_hubs, Spoke: self._save_spokes, Responsibility: self._save_cells}[formset.model]
        save(request, form.instance, formset)

    def _save_hubs(self, request, model, formset):
        hubs = formset.save(commit=False)
        for hub in formset.deleted_objects:
            services.hub_remove(hub=hub, actor=request.user)
        for hub in hubs:
            services.hub_save(
                model=model,
                actor=request.user,
                hub=hub,
                name=hub.name,
                home_discipline=hub.home_discipline,
                lead=hub.lead,
                is_coordinating_centre=hub.is_coordinating_centre,
            )

    def _save_spokes(self, request, model, formset):
        spokes = formset.save(commit=False)
        for spoke in formset.deleted_objects:
            services.spoke_remove(spoke=spoke, actor=request.user)
        for spoke in spokes:
            services.spoke_save(
                model=model,
                actor=request.user,
                spoke=spoke,
                discipline=spoke.discipline,
                hub=spoke.hub,
                liaison=spoke.liaison,
            )

    def _save_cells(self, request, model, formset):
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message
        changes = []
        for row in formset.forms:
            was = (row.initial.get("activity"), row.initial.get("discipline"), row.initial.get("role", ""))
            if row in formset.deleted_forms:
                if row.instance.pk:
                    changes.append(services.CellChange(*was[:2], seen=was[2], wanted=""))
                continue
            if not row.has_changed():
                continue
            data = row.cleaned_data
            now = (data["activity"].pk, data["discipline"].pk)
            if row.instance.pk and now != was[:2]:
                # The row moved to another cell: empty the old one, fill the new one.
                changes.append(services.CellChange(*was[:2], seen=was[2], wanted=""))
                changes.append(services.CellChange(*now, seen="", wanted=data["role"]))
            else:
                changes.append(services.CellChange(*now, seen=was[2] if row.instance.pk else "", wanted=data["role"]))
        if not changes:
            return
        conflicts = services.responsibilities_update(model=model, actor=request.user, changes=changes)
        for change in conflicts:
            self.message_user(
                request,
                _("Cell (activity %(activity)s, discipline %(discipline)s) was changed by someone else; left as it is.")
                % {"activity": change.activity_id, "discipline": change.discipline_id},
                messages.WARNING,
            )

    @admin.action(description=_("Publish the selected draft"), permissions=["change"])
    def publish_draft(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one draft to publish."), messages.ERROR)
            return
        model = queryset.get()
        try:
            services.model_publish(model=model, actor=request.user)
        except services.PublishRefused as refused:
            self.message_user(request, f"{model}: {refused.message}", messages.ERROR)
            for problem in refused.problems:
                self.message_user(request, f"{problem.message} ({problem.code})", messages.ERROR)
        except DomainError as exc:
            self.message_user(request, f"{model}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, _("“%(model)s” is now the active model.") % {"model": model}, messages.SUCCESS)

    @admin.action(description=_("Copy the selected models to new drafts"), permissions=["view"])
    def copy_to_draft(self, request, queryset):
        for source in queryset:
            draft = services.model_copy(source=source, actor=request.user)
            url = reverse("admin:governance_organisationalmodel_change", args=[draft.pk])
            self.message_user(
                request,
                format_html(
                    _('Copied “{source}” to the draft <a href="{url}">{draft}</a>.'),
                    source=source,
                    url=url,
                    draft=draft,
                ),
                messages.SUCCESS,
            )


class UnitAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """Hubs, spokes and cells one by one; the organisational model page edits them all at once."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("model")

    def get_readonly_fields(self, request, obj=None):
        # A unit stays in its model and a cell stays where it is.
        return self.fixed_fields if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "model":
            kwargs["queryset"] = OrganisationalModel.objects.filter(status=OrganisationalModel.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.model.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.model.is_draft) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.WARNING)

    @admin.display(description=_("model"), ordering="model__name")
    def model_link(self, obj):
        url = reverse("admin:governance_organisationalmodel_change", args=[obj.model_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.model, obj.model.get_status_display())


@admin.register(Hub)
class HubAdmin(UnitAdmin):
    list_display = ["name", "model_link", "home_discipline", "lead", "is_coordinating_centre"]
    list_filter = ["model__status", "is_coordinating_centre", "home_discipline"]
    search_fields = ["name", "model__name", "home_discipline__name"]
    list_select_related = ["model", "home_discipline", "lead"]
    autocomplete_fields = ["lead"]
    fixed_fields = ["model"]

    def save_model(self, request, obj, form, change):
        services.hub_save(
            model=obj.model,
            actor=request.user,
            hub=obj,
            name=obj.name,
            home_discipline=obj.home_discipline,
            lead=obj.lead,
            is_coordinating_centre=obj.is_coordinating_centre,
        )

    def delete_model(self, request, obj):
        services.hub_remove(hub=obj, actor=request.user)


@admin.register(Spoke)
class SpokeAdmin(UnitAdmin):
    list_display = ["discipline", "model_link", "hub", "liaison"]
    list_filter = ["model__status", "discipline"]
    search_fields = ["discipline__name", "model__name", "hub__name"]
    list_select_related = ["model", "discipline", "hub", "liaison"]
    autocomplete_fields = ["liaison"]
    fixed_fields = ["model"]

    def save_model(self, request, obj, form, change):
        services.spoke_save(
            model=obj.model, actor=request.user, spoke=obj, discipline=obj.discipline, hub=obj.hub, liaison=obj.liaison
        )

    def delete_model(self, request, obj):
        services.spoke_remove(spoke=obj, actor=request.user)


@admin.register(Responsibility)
class ResponsibilityAdmin(UnitAdmin):
    list_display = ["activity", "discipline", "role", "model_link"]
    list_filter = ["model__status", "role", "activity", "discipline"]
    search_fields = ["model__name", "activity__name", "discipline__name"]
    list_select_related = ["model", "activity", "discipline"]
    fixed_fields = ["model", "activity", "discipline"]

    def save_model(self, request, obj, form, change):
        seen = form.initial.get("role", "") if change else ""
        change_ = services.CellChange(obj.activity_id, obj.discipline_id, seen=seen, wanted=obj.role)
        if services.responsibilities_update(model=obj.model, actor=request.user, changes=[change_]):
            raise DomainError(_("Someone else changed this cell in the meantime; look again."), code="cell_conflict")
        saved = Responsibility.objects.get(model=obj.model, activity=obj.activity, discipline=obj.discipline)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        change = services.CellChange(obj.activity_id, obj.discipline_id, seen=obj.role, wanted="")
        services.responsibilities_update(model=obj.model, actor=request.user, changes=[change])


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_de", "slug", "position", "cell_count"]
    search_fields = ["name", "name_de", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cell_count=Count("responsibilities"))

    @admin.display(description=_("RACI cells"), ordering="cell_count")
    def cell_count(self, obj):
        return obj.cell_count

    def has_delete_permission(self, request, obj=None):
        # Deleting an activity would rewrite the matrix of published models.
        if (
            obj is not None
            and Responsibility.objects.filter(activity=obj)
            .exclude(model__status=OrganisationalModel.Status.DRAFT)
            .exists()
        ):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__last_name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


# --- People: personal data (governance/personal_data.py) -------------------------------------------
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin  # noqa: E402


class PersonAdmin(UserAdmin):
    """Django's user admin, with the personal data actions: download one person's data,
    and erase one person (through the confirmation page, which calls the service)."""

    actions = ["download_personal_data", "erase_personal_data"]

    def _one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one person."), messages.WARNING)
            return None
        return queryset.get()

    @admin.action(description=_("Download personal data (JSON)"), permissions=["change"])
    def download_personal_data(self, request, queryset):
        person = self._one(request, queryset)
        return HttpResponseRedirect(reverse("person_data", args=[person.pk])) if person else None

    @admin.action(description=_("Erase personal data…"), permissions=["change"])
    def erase_personal_data(self, request, queryset):
        person = self._one(request, queryset)
        return HttpResponseRedirect(reverse("person_erase", args=[person.pk])) if person else None


_User = get_user_model()
if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, PersonAdmin)
