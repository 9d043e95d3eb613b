from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from coprod.accounts.models import Organisation, StaffMembership, User
from coprod.accounts.services import organisation_defaults_create


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Admin site", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [StaffMembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # What organisation_create gives a new one, so its pages only read.
            organisation_defaults_create(organisation=obj)
