from django.contrib import admin

from coprod.plainlanguage.models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["phrase", "kind", "suggestion", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["phrase", "suggestion"]
