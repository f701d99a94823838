"""Django admin for the discipline catalogue; saves and deletes go through `disciplines.services`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disciplines import selectors, services
from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from governance.admin import ServiceErrorsAsMessages


class ServiceDeletes:
    """Deleting one or many rows calls the app's delete service for each row."""

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.WARNING)


class ApplicationAreaInline(admin.TabularInline):
    model = ApplicationArea
    fields = ["title", "title_de", "description", "position"]
    extra = 0


@admin.register(Discipline)
class DisciplineAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["name", "name_de", "slug", "kind", "swatch", "position", "area_count", "expert_count"]
    list_filter = ["kind"]
    search_fields = ["name", "name_de", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApplicationAreaInline]

    def get_queryset(self, request):
        return selectors.with_counts(super().get_queryset(request))

    @admin.display(description=_("colour"), ordering="colour")
    def swatch(self, obj):
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};vertical-align:middle"></span> {}',
            obj.colour,
            obj.colour,
        )

    @admin.display(description=_("application areas"), ordering="area_count")
    def area_count(self, obj):
        return obj.area_count

    @admin.display(description=_("experts"), ordering="expert_count")
    def expert_count(self, obj):
        return obj.expert_count

    def save_model(self, request, obj, form, change):
        services.discipline_save(actor=request.user, discipline=obj)

    def delete_model(self, request, obj):
        services.discipline_delete(actor=request.user, discipline=obj)

    def save_formset(self, request, form, formset, change):
        areas = formset.save(commit=False)
        for area in formset.deleted_objects:
            services.area_delete(actor=request.user, area=area)
        for area in areas:
            services.area_save(actor=request.user, area=area)


@admin.register(ApplicationArea)
class ApplicationAreaAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["title", "title_de", "discipline", "position"]
    list_filter = ["discipline"]
    search_fields = ["title", "title_de", "description", "discipline__name"]
    list_select_related = ["discipline"]

    def save_model(self, request, obj, form, change):
        services.area_save(actor=request.user, area=obj)

    def delete_model(self, request, obj):
        services.area_delete(actor=request.user, area=obj)


@admin.register(Membership)
class MembershipAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["user", "discipline", "function", "weekly_capacity_hours"]
    list_filter = ["function", "discipline"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "discipline__name"]
    list_select_related = ["user", "discipline"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # The service also gives the member the role that goes with the function.
        services.membership_save(actor=request.user, membership=obj)

    def delete_model(self, request, obj):
        services.membership_delete(actor=request.user, membership=obj)


class ExpertiseForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("topic tags"),
        required=False,
        help_text=_("Comma-separated, e.g. pricing, api, security."),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    class Meta:
        model = Expertise
        fields = ["user", "tags", "profile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)

    def clean_tags(self):
        return services.normalise_tags(self.cleaned_data["tags"])


@admin.register(Expertise)
class ExpertiseAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = ExpertiseForm
    list_display = ["user", "tag_list", "short_profile"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "profile"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("topic tags"))
    def tag_list(self, obj):
        return ", ".join(obj.tags)

    @admin.display(description=_("profile"))
    def short_profile(self, obj):
        return obj.profile[:80] + ("…" if len(obj.profile) > 80 else "")

    def get_readonly_fields(self, request, obj=None):
        # expertise_save finds the row by its person: the person of a row does not change.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.expertise_save(actor=request.user, user=obj.user, tags=obj.tags, profile=obj.profile)
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(Absence)
class AbsenceAdmin(ServiceErrorsAsMessages, ServiceDeletes, admin.ModelAdmin):
    list_display = ["user", "starts_on", "ends_on", "deputy", "note"]
    list_filter = ["starts_on"]
    date_hierarchy = "starts_on"
    search_fields = ["user__username", "user__first_name", "user__last_name", "note"]
    list_select_related = ["user", "deputy"]
    autocomplete_fields = ["user", "deputy"]

    def save_model(self, request, obj, form, change):
        services.absence_save(
            actor=request.user,
            absence=obj,
            user=obj.user,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            deputy=obj.deputy,
            note=obj.note,
        )

    def delete_model(self, request, obj):
        services.absence_delete(actor=request.user, absence=obj)
