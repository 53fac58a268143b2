from django.db import models

from scalper.legacy.fields import UpdatedAtField


class TimestampedModel(models.Model):
    """Keeps `updated_at` honest when a caller saves only some fields."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None and any(
            isinstance(field, UpdatedAtField) for field in self._meta.concrete_fields
        ):
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)


class AlembicVersion(models.Model):
    """The Alembic revision the legacy backend stamped. Kept, never written: it is the way back."""

    version_num = models.CharField(max_length=32, primary_key=True)

    class Meta:
        managed = False
        db_table = "alembic_version"
        verbose_name = "Alembic version"

    def __str__(self):
        return self.version_num

    def save(self, *args, **kwargs):
        raise TypeError("alembic_version is read-only: it records the legacy Alembic revision.")

    def delete(self, *args, **kwargs):
        raise TypeError("alembic_version is read-only: it records the legacy Alembic revision.")


class CutoverState(models.Model):
    """Where the switch from the legacy backend stands: one row, so every instance agrees.

    `dual_run` while the legacy backend may still share the database (scalper/legacy/cutover.py).
    """

    id = models.BigIntegerField(primary_key=True, default=1, editable=False)
    dual_run = models.BooleanField()
    # When `manage.py cutover finish` ended the dual run.
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "scalper_cutover"
        verbose_name = "cut-over state"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="scalper_cutover_one_row")
        ]

    def __str__(self):
        return "dual run" if self.dual_run else "finished"
