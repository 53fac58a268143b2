"""Drift after adoption: the live schema against what the applied migrations create.

On an adopted database (and on one Django created) `baseline --check` compares the catalog with
the schema expected at the migrations `django_migrations` records as applied, with the same
comparison, the same words and the same exit status as at adoption: a label added to an enum
by hand, a dropped index, a column whose type someone changed are reported.

The expected schema is read from the migrations' project state at those nodes (plus their
`CreateEnumType` operations), not by running their SQL into a scratch schema: that would need
CREATE rights and writes on a production database that `--check` promises not to touch, and
running RunPython data migrations twice. The state is what Django itself trusts; a change made
only with RunSQL (no `state_operations`) is invisible to it and shows as drift, which is the
reminder to declare it.
"""

from django.db.migrations.loader import MigrationLoader

from scalper.legacy.baseline import BASELINE_APPS, expected_schema
from scalper.legacy.findings import revision_finding, schema_findings
from scalper.legacy.schema import read_schema


def applied_project_nodes(applied, apps=BASELINE_APPS):
    """The applied migrations of `apps` that still exist, as graph nodes."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(key for key in applied if key[0] in apps and key in graph.nodes)


def last_per_app(nodes):
    last = {}
    for app, name in nodes:
        last[app] = max(last.get(app, name), name)
    return [f"{app}.{name}" for app, name in sorted(last.items())]


def drift_findings(connection, applied, revisions=None):
    """(findings, the last migration compared with per app) for a database past its baseline.

    `revisions`: its alembic_version, checked too on an adopted legacy database (the legacy
    backend's Alembic must not have moved it since).
    """
    nodes = applied_project_nodes(applied)
    expected = expected_schema(connection, nodes)
    with connection.cursor() as cursor:
        found = read_schema(cursor, tables=list(expected.tables), enums=list(expected.enums))
    revision = revision_finding(revisions) if revisions is not None else None
    findings = [revision] if revision else []
    return findings + schema_findings(expected, found), last_per_app(nodes)
