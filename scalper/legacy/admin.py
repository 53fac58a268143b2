"""The admin of the legacy columns and tables: the form field of the nullable boolean columns,
and `alembic_version`, the legacy backend's Alembic bookkeeping (shown, never written)."""

from django import forms
from django.contrib import admin, messages
from django.db import connections, models, router

from scalper.legacy.models import AlembicVersion

# The legacy boolean columns are nullable; operators get a checkbox, not a yes/no/unknown menu.
CHECKBOXES = {models.BooleanField: {"form_class": forms.BooleanField}}


@admin.register(AlembicVersion)
class AlembicVersionAdmin(admin.ModelAdmin):
    list_display = ("version_num",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def table_exists(self):
        """Only an adopted legacy database has the table; a database Django created has not."""
        connection = connections[router.db_for_read(AlembicVersion)]
        return AlembicVersion._meta.db_table in connection.introspection.table_names()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self.table_exists() else queryset.none()

    def changelist_view(self, request, extra_context=None):
        if not self.table_exists():
            self.message_user(
                request,
                "This database has no alembic_version table: it was created by Django's "
                "migrations, not adopted from the legacy backend, so there is no Alembic "
                "revision to show.",
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)
