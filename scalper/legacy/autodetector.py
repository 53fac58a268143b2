"""`makemigrations` that sees the values of PostgreSQL enum types.

Django compares choices as a detail that needs no SQL, so a value added to an `EnumField`'s
choices became an `AlterField` whose SQL is `-- (no-op)`: the enum type kept its old values. This
autodetector compares, for each enum type, the values its fields declare before and after, and
emits `RenameEnumValue`, `RemoveEnumValue` and `AddEnumValue` (in that order) before Django's own
operations, which then see only what remains: a change of display label is an `AlterField`
without SQL. A type no column used before gets a `CreateEnumType` ahead of its columns.

A removed value and an added one are a rename when they have the same display label (the
member the API and the admin show did not change); when they sit between the same neighbours
with different display labels, an interactive `makemigrations` asks, and a non-interactive one
takes them as a removal and an addition (the removal refuses to run while rows hold the value,
so a wrong guess loses nothing). Values cannot be reordered: PostgreSQL keeps the order.
"""

from django.core.management.base import CommandError
from django.db.migrations.autodetector import MigrationAutodetector, OperationDependency
from django.db.migrations.questioner import InteractiveMigrationQuestioner

from scalper.legacy.enum_values import (
    AddEnumValue,
    RemoveEnumValue,
    RenameEnumValue,
    enum_choices,
    enum_fields,
)
from scalper.legacy.operations import CreateEnumType


def _neighbours(values, index):
    return (
        values[index - 1] if index > 0 else None,
        values[index + 1] if index + 1 < len(values) else None,
    )


class EnumAutodetector(MigrationAutodetector):
    def generate_altered_fields(self):
        self.generate_altered_enum_values()
        super().generate_altered_fields()

    def generate_altered_enum_values(self):
        types = {
            field.enum_type
            for state in (self.from_state, self.to_state)
            for model in state.models.values()
            for field in model.fields.values()
            if getattr(field, "enum_type", None)
        }
        for enum_type in sorted(types):
            try:
                old, new = (
                    enum_choices(self.from_state, enum_type),
                    enum_choices(self.to_state, enum_type),
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            if new is None:
                continue  # no column uses it any more; the type stays, harmless
            fields = list(enum_fields(self.to_state, enum_type))
            app_label = fields[0][0]
            if old is None:
                # A new type: created before the columns that use it.
                values = [value for value, _ in new]
                self.add_operation(app_label, CreateEnumType(enum_type, values), beginning=True)
                continue
            # The fields of other apps must exist (their apps' latest migrations) first.
            dependencies = [
                OperationDependency(app, model, name, OperationDependency.Type.CREATE)
                for app, model, name, _ in fields
                if app != app_label
            ]
            for operation in self.enum_value_operations(enum_type, old, new):
                self.add_operation(app_label, operation, dependencies)
                # What follows (AlterField for display labels) starts from the changed values.
                operation.state_forwards(app_label, self.from_state)

    def enum_value_operations(self, enum_type, old, new):
        old_values, new_values = [value for value, _ in old], [value for value, _ in new]
        old_labels, new_labels = dict(old), dict(new)
        removed = [value for value in old_values if value not in new_values]
        added = [value for value in new_values if value not in old_values]

        renames = {}
        for value in removed:
            same_label = [
                other
                for other in added
                if new_labels[other] == old_labels[value] and other not in renames.values()
            ]
            if len(same_label) == 1:
                renames[value] = same_label[0]
        current = [renames.get(value, value) for value in old_values]
        for value in removed:
            if value in renames:
                continue
            place = _neighbours(current, old_values.index(value))
            for other in added:
                if other in renames.values():
                    continue
                if _neighbours(
                    new_values, new_values.index(other)
                ) == place and self.ask_enum_rename(enum_type, value, other):
                    renames[value] = other
                    current = [renames.get(value, value) for value in old_values]
                    break
        removed = [value for value in removed if value not in renames]
        added = [value for value in added if value not in renames.values()]

        kept = [value for value in current if value not in removed]
        if kept != [value for value in new_values if value not in added]:
            raise CommandError(
                f"The values of enum type {enum_type} changed order ({', '.join(current)} -> "
                f"{', '.join(new_values)}). PostgreSQL keeps the order of an enum's values and "
                "makemigrations does not reorder them: keep the order, or write the migration "
                "by hand (a new type and ALTER COLUMN ... USING)."
            )

        operations = [RenameEnumValue(enum_type, old, new) for old, new in renames.items()]
        for value in removed:
            index = current.index(value)
            position = (
                {"after": current[index - 1]}
                if index
                else {"before": current[1]}
                if len(current) > 1
                else {}
            )
            operations.append(RemoveEnumValue(enum_type, value, old_labels[value], **position))
            current.remove(value)
        for value in added:
            index = new_values.index(value)
            position = (
                {"after": new_values[index - 1]}
                if index
                else {"before": current[0]}
                if current
                else {}
            )
            operations.append(AddEnumValue(enum_type, value, new_labels[value], **position))
            current.insert(current.index(position["after"]) + 1 if index else 0, value)
        return operations

    def ask_enum_rename(self, enum_type, old, new):
        if isinstance(self.questioner, InteractiveMigrationQuestioner):
            return self.questioner._boolean_input(
                f"Was value {old} of enum type {enum_type} renamed to {new} (same place, "
                "another display label)? [y/N]",
                False,
            )
        return self.questioner.defaults.get("ask_rename", False)
