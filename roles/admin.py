"""Django admin for job profiles, the competency matrix, role assignments and assessments.

The admin writes through `roles.services` like the pages and the API: a new competency
gets its matrix row, a level outside 1 to 5 is refused, an assignment lands in a unit of
the active model, and a refusal becomes a message instead of a 500. Assessments are
private here too: the changelist shows only those the signed-in user may see.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.admin import ServiceErrorsAsMessages
from governance.errors import DomainError
from roles import services
from roles.models import Assessment, Competency, CompetencyCategory, JobProfile, RequiredLevel, RoleAssignment


class ServiceDeletes:
    """Deleting one or many rows calls the delete service for each; refusals become warnings."""

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except (ValidationError, DomainError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)
                self.message_user(request, f"{obj}: {text}", messages.WARNING)


class RequiredLevelInline(admin.TabularInline):
    """A profile's column of the matrix; levels change through services.required_level_set."""

    model = RequiredLevel
    fields = ["competency", "seniority", "level"]
    readonly_fields = ["competency", "seniority"]
    extra = 0
    can_delete = False
    ordering = ["competency__category__position", "competency__position", "seniority"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competency__category")

    def has_add_permission(self, request, obj=None):
        return False  # every cell exists from the start: competency_save fills the row


@admin.register(JobProfile)
class JobProfileAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["name", "name_de", "slug", "has_seniorities", "position", "holder_count"]
    list_filter = ["has_seniorities"]
    search_fields = ["name", "name_de", "slug", "description"]
    readonly_fields = ["slug", "has_seniorities"]
    fields = [
        "slug",
        "has_seniorities",
        "name",
        "name_de",
        "description",
        "description_de",
        "responsibilities",
        "responsibilities_de",
        "position",
    ]
    inlines = [RequiredLevelInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        current = RoleAssignment.objects.current(today).values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(holder_count=Count("assignments", filter=Q(assignments__pk__in=current), distinct=True))
        )

    @admin.display(description=_("held now by"), ordering="holder_count")
    def holder_count(self, obj):
        return obj.holder_count

    # The three profiles are fixed (staffing looks them up by slug): changed, never added or deleted.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.PROFILE_FIELDS}
        services.profile_update(actor=request.user, profile=obj, **fields)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # fills changed_objects for the change message
        for cell in formset.changed_objects:
            cell = cell[0]
            services.required_level_set(
                actor=request.user,
                profile=cell.profile,
                competency=cell.competency,
                seniority=cell.seniority,
                level=cell.level,
            )


@admin.register(CompetencyCategory)
class CompetencyCategoryAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["name", "name_de", "slug", "position", "competency_count"]
    search_fields = ["name", "name_de", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(competency_count=Count("competencies"))

    @admin.display(description=_("competencies"), ordering="competency_count")
    def competency_count(self, obj):
        return obj.competency_count

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.CATEGORY_FIELDS}
        saved = services.category_save(actor=request.user, category=obj if change else None, **fields)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.category_delete(actor=request.user, category=obj)


@admin.register(Competency)
class CompetencyAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["name", "name_de", "category", "slug", "position"]
    list_filter = ["category"]
    search_fields = ["name", "name_de", "slug", "description"]
    list_select_related = ["category"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.COMPETENCY_FIELDS}
        # A new competency gets level 1 for every profile and seniority; leads then set the real levels.
        saved = services.competency_save(actor=request.user, competency=obj if change else None, **fields)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.competency_delete(actor=request.user, competency=obj)


@admin.register(RequiredLevel)
class RequiredLevelAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["competency", "profile", "seniority", "level"]
    list_editable = ["level"]
    list_filter = ["profile", "seniority", "competency__category"]
    search_fields = ["competency__name", "competency__name_de", "profile__name"]
    list_select_related = ["profile", "competency__category"]
    readonly_fields = ["profile", "competency", "seniority"]

    # Cells come with their competency and go with it: the matrix never has a hole.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.required_level_set(
            actor=request.user,
            profile=obj.profile,
            competency=obj.competency,
            seniority=obj.seniority,
            level=obj.level,
        )


class CurrentFilter(admin.SimpleListFilter):
    title = _("held")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("now", _("Now")), ("ended", _("Ended or not started"))]

    def queryset(self, request, queryset):
        current = RoleAssignment.objects.current()
        if self.value() == "now":
            return queryset.filter(pk__in=current.values("pk"))
        if self.value() == "ended":
            return queryset.exclude(pk__in=current.values("pk"))
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["user", "profile", "seniority", "discipline", "kind", "since", "until", "created_by"]
    list_filter = [CurrentFilter, "profile", "seniority", "kind", "discipline"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "note", "discipline__name"]
    list_select_related = ["user", "profile", "discipline", "created_by"]
    autocomplete_fields = ["user", "discipline"]
    date_hierarchy = "since"
    actions = ["end_today"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "profile", "seniority", "discipline", "since", "until", "note"]
        return ["user", "profile", "seniority", "discipline", "kind", "since", "until", "note", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # Made once: afterwards only its end is set (services.assignment_end); a change is a new assignment.
        if obj is None:
            return []
        readonly = ["user", "profile", "seniority", "discipline", "kind", "since", "note", "created_by"]
        return readonly if obj.until is None else [*readonly, "until"]

    def has_delete_permission(self, request, obj=None):
        return False  # ended assignments stay as history

    def save_model(self, request, obj, form, change):
        if not change:
            saved = services.assignment_create(
                actor=request.user,
                user=obj.user,
                profile=obj.profile,
                seniority=obj.seniority,
                discipline=obj.discipline,
                since=obj.since,
                until=obj.until,
                note=obj.note,
            )
            obj.pk = saved.pk
            obj.refresh_from_db()
            obj._state.adding = False
        elif "until" in form.changed_data and obj.until is not None:
            services.assignment_end(actor=request.user, assignment=obj, until=obj.until)

    @admin.action(description=_("End the selected assignments today"), permissions=["change"])
    def end_today(self, request, queryset):
        ended = 0
        for assignment in queryset.filter(until__isnull=True):
            try:
                services.assignment_end(actor=request.user, assignment=assignment)
            except (ValidationError, DomainError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)
                self.message_user(request, f"{assignment}: {text}", messages.WARNING)
            else:
                ended += 1
        self.message_user(request, _("%(count)s assignments ended.") % {"count": ended}, messages.SUCCESS)


@admin.register(Assessment)
class AssessmentAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["user", "competency", "level", "assessed_by", "assessed_on", "is_self", "created_at"]
    list_filter = ["is_self", "level", "competency__category", "competency", "assessed_on"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "competency__name", "note"]
    list_select_related = ["user", "competency", "assessed_by"]
    autocomplete_fields = ["user"]
    date_hierarchy = "assessed_on"

    def get_queryset(self, request):
        # Private in the admin too: staff see the assessments the pages would show them.
        return Assessment.objects.visible_to(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "competency", "level", "assessed_on", "note"]
        return ["user", "competency", "level", "assessed_by", "assessed_on", "is_self", "note", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # Recorded, never changed: a new view of someone's level is a new assessment.
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = services.assessment_record(
                actor=request.user,
                person=obj.user,
                competency=obj.competency,
                level=obj.level,
                note=obj.note,
                assessed_on=obj.assessed_on,
            )
        except PermissionDenied as exc:
            # Staff who are neither a lead nor the person's manager: a message, like every other refusal.
            raise ValidationError(str(exc) or _("You cannot assess this person.")) from None
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False
