"""Writing a change to a row as the legacy backend's ORM (SQLAlchemy) wrote it."""


def save_changed_fields(instance, changes):
    """Set and save the fields of `changes` whose value differs from the stored one.

    SQLAlchemy writes only the columns whose value changed, and nothing when none did, so a
    change that changes nothing keeps `updated_at`.
    """
    changed = [name for name, value in changes.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, changes[name])
    if changed:
        instance.save(update_fields=changed)
