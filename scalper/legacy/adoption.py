"""Adopting a legacy database: verify it against the baseline migrations, then record them.

The baseline is the three initial migrations (bots, exchanges, orders `0001_initial`): they
create exactly the schema the legacy backend left at Alembic revision fef8185d3887. `adopt()`
reads the database's Alembic revision and catalog, classifies every difference from what the
baseline creates (errors stop, warnings are reported), and then records the baseline as applied
without running it and applies every other migration: all in one transaction, under an advisory
lock, so that a failure leaves the database as it was and two deploys cannot both adopt. (A
non-atomic migration cannot run in a transaction: it, and what depends on it, runs after commit.)
"""

import json
import re
from dataclasses import dataclass, field

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction
from django.db.migrations.exceptions import InconsistentMigrationHistory, MigrationSchemaMissing
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import CheckConstraint, UniqueConstraint, Value
from django.db.models.sql import Query

from scalper.legacy.constraints import ForeignKeyConstraint
from scalper.legacy.drift import drift_findings
from scalper.legacy.operations import AddEnumValue, CreateEnumType, enum_choices
from scalper.legacy.schema import (
    LEGACY_REVISION,
    Column,
    Constraint,
    Index,
    Schema,
    compare,
    read_schema,
)

BASELINE = (("bots", "0001_initial"), ("exchanges", "0001_initial"), ("orders", "0001_initial"))
BASELINE_APPS = tuple(app for app, _ in BASELINE)

# pg_advisory_xact_lock key: the bytes of "baseline", so that it is recognisable in pg_locks.
ADOPTION_LOCK_KEY = int.from_bytes(b"baseline", "big")
# Seconds to wait for a lock on a legacy table (migrations after the baseline may need one):
# rather give up than queue the legacy backend's readers behind the adoption.
LOCK_TIMEOUT = 5.0

ERROR, WARNING = "error", "warning"

# Outcomes; the first three refuse (exit status 1).
REFUSED = "refused"
FAILED = "failed"
DRIFTED = "drifted"  # adopted, but the schema is no longer what the applied migrations create
CHECKED = "checked"
ADOPTED = "adopted"
ALREADY_ADOPTED = "already_adopted"
NOTHING_TO_ADOPT = "nothing_to_adopt"


# The schema the baseline migrations create


def catalog_type(db_type):
    """A Django column type as PostgreSQL's `format_type()` prints it."""
    db_type = re.sub(r"^varchar\b", "character varying", db_type)
    db_type = re.sub(r"^char\b", "character", db_type)
    return re.sub(r",\s+", ",", db_type)  # numeric(10, 2) -> numeric(10,2)


def database_default(field, connection):
    """The column default as the catalog prints it (`now()`), or None."""
    if not field.has_db_default():
        return None
    default = field.db_default
    if not hasattr(default, "resolve_expression"):
        default = Value(default)
    sql, params = Query(model=field.model).get_compiler(connection=connection).compile(default)
    return sql % tuple(params)


def project_models(state):
    return [
        model
        for model in state.apps.get_models()
        if model._meta.app_label in BASELINE_APPS and model._meta.managed
    ]


def expected_schema(connection, nodes=BASELINE):
    """The schema the migrations up to `nodes` create, in the terms `read_schema()` reads.

    Derived from the migrations themselves (their project state and `CreateEnumType`
    operations), so there is one source of truth: at the baseline a test proves it equals the
    legacy database's catalog; at the applied migrations of an adopted database it is what
    `baseline --check` compares the live schema with (scalper/legacy/drift.py).
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state(nodes, at_end=True)
    models = project_models(state)
    names = {model._meta.db_table for model in models}
    for model in models:
        names.update(field.column for field in model._meta.local_concrete_fields)
        names.update(index.name for index in model._meta.indexes)
        names.update(constraint.name for constraint in model._meta.constraints)
    with connection.cursor() as cursor:
        # PostgreSQL's own rule for when an identifier needs quotes (`"timestamp"`).
        cursor.execute("SELECT name, quote_ident(name) FROM unnest(%s::text[]) name", [[*names]])
        quoted = dict(cursor.fetchall())

    schema = Schema()
    plan = {key for node in nodes for key in loader.graph.forwards_plan(node)}
    for key in sorted(plan):
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, CreateEnumType):
                schema.enums[operation.name] = tuple(operation.labels)
    for name in schema.enums:
        # Values added, renamed or removed later (AddEnumValue...) are in the fields' choices.
        choices = enum_choices(state, name)
        if choices is not None:
            schema.enums[name] = tuple(value for value, _ in choices)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in models:
            _describe_model(schema, model, connection, editor, quoted)
    return schema


def _describe_model(schema, model, connection, editor, quoted):
    table, meta = model._meta.db_table, model._meta
    schema.tables[table] = {
        field.column: Column(
            field.column,
            catalog_type(field.db_type(connection)),
            field.null,
            database_default(field, connection),
            position,
        )
        for position, field in enumerate(meta.local_concrete_fields, start=1)
    }
    primary, pk_column = f"{table}_pkey", quoted[meta.pk.column]
    schema.indexes[primary] = Index(
        primary,
        table,
        (meta.pk.column,),
        True,
        True,
        f"CREATE UNIQUE INDEX {primary} ON public.{quoted[table]} USING btree ({pk_column})",
    )
    schema.constraints[(table, primary)] = Constraint(
        primary, table, "primary key", f"PRIMARY KEY ({pk_column})"
    )
    for index in meta.indexes:
        columns = tuple(meta.get_field(name.lstrip("-")).column for name in index.fields)
        unique = getattr(index, "unique", False)
        shown = ", ".join(quoted.get(column, column) for column in columns)
        schema.indexes[index.name] = Index(
            index.name,
            table,
            None if index.expressions else columns,
            unique,
            False,
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {quoted[index.name]} "
            f"ON public.{quoted[table]} USING btree ({shown or '...'})",
        )
    for model_field in meta.local_concrete_fields:
        # Indexes of `db_index=True` (and their `_like` twins), named as Django names them.
        for statement in editor._field_indexes_sql(model, model_field):
            name = str(statement.parts["name"]).strip('"')
            schema.indexes[name] = Index(
                name, table, (model_field.column,), False, False, str(statement)
            )
    for constraint in meta.constraints:
        schema.constraints[(table, constraint.name)] = _describe_constraint(
            schema, table, meta, constraint, quoted
        )


def _describe_constraint(schema, table, meta, constraint, quoted):
    if isinstance(constraint, ForeignKeyConstraint):
        source = meta.get_field(constraint.field)
        target = source.target_field
        return Constraint(
            constraint.name,
            table,
            "foreign key",
            f"FOREIGN KEY ({quoted[source.column]}) REFERENCES "
            f"{quoted[target.model._meta.db_table]}({quoted[target.column]})",
        )
    if isinstance(constraint, UniqueConstraint):
        columns = tuple(meta.get_field(name).column for name in constraint.fields)
        if columns and not constraint.condition:
            shown = ", ".join(quoted.get(column, column) for column in columns)
            schema.indexes[constraint.name] = Index(
                constraint.name, table, columns, True, False, f"UNIQUE ({shown})"
            )
            return Constraint(constraint.name, table, "unique", f"UNIQUE ({shown})")
        return Constraint(constraint.name, table, "unique", None)
    if isinstance(constraint, CheckConstraint):
        return Constraint(constraint.name, table, "check", None)  # its existence only
    raise TypeError(f"the expected schema cannot describe {constraint!r}")


# Findings: each difference, classified and explained


@dataclass(frozen=True)
class Finding:
    """One thing an operator must know about the database: an error stops the adoption."""

    severity: str
    kind: str
    table: str | None
    name: str
    expected: object
    found: object
    impact: str

    @property
    def where(self):
        return f"{self.table}.{self.name}" if self.table and self.table != self.name else self.name

    @property
    def headline(self):
        return (
            f"{self.where} ({self.kind.replace('_', ' ')}): expected {_show(self.expected)}, "
            f"found {_show(self.found)}."
        )

    def __str__(self):
        return f"{self.headline} {self.impact}"

    def as_dict(self):
        return {
            "severity": self.severity,
            "kind": self.kind,
            "table": self.table,
            "name": self.name,
            "expected": self.expected,
            "found": self.found,
            "impact": self.impact,
            "headline": self.headline,
            "message": str(self),
        }


def _show(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _same_under_another_name(found, want):
    return next(
        (
            have.name
            for have in found.constraints.values()
            if (have.table, have.kind, have.definition) == (want.table, want.kind, want.definition)
            and have.name != want.name
        ),
        None,
    )


def classify(difference, expected, found):
    """The `Finding` for one `Difference` of `found` from `expected`, or None to leave it out."""
    kind, table, name = difference.kind, difference.table, difference.name

    def finding(severity, impact):
        expected, found = difference.expected, difference.found
        if kind == "column_default":
            expected, found = expected or "no default", found or "no default"
        return Finding(severity, kind, table, name, expected, found, impact)

    if kind == "missing_table":
        return finding(ERROR, "Django reads and writes this table.")
    if kind == "missing_column":
        return finding(ERROR, "Every query of this table through Django would fail.")
    if kind == "column_type":
        return finding(ERROR, "Django reads and writes this column with the expected type.")
    if kind == "column_nullability":
        want = expected.tables[table][name]
        have = found.tables[table][name]
        if want.nullable:
            if want.default is not None and have.default is not None:
                return finding(
                    WARNING, "Django leaves this column to the database default on insert."
                )
            return finding(
                ERROR, "Django writes NULL here when the value is empty; the database refuses it."
            )
        return finding(
            WARNING,
            "The database accepts NULL where the models require a value; "
            "rows written by other programs may hold NULL.",
        )
    if kind == "column_default":
        have = found.tables[table][name]
        if difference.expected is not None and difference.found is None:
            if not have.nullable:
                return finding(
                    ERROR, "Django relies on this default on insert; the database would refuse."
                )
            return finding(WARNING, "Rows inserted through Django get NULL here instead.")
        return finding(WARNING, "Django does not rely on this default; other programs may.")
    if kind == "extra_column":
        have = found.tables[table][name]
        if not have.nullable and have.default is None:
            return finding(
                ERROR,
                "Django does not know this column and cannot fill it: every insert would fail. "
                "Give it a default or make it nullable.",
            )
        return finding(WARNING, "Django ignores this column; new rows get its default (or NULL).")
    if kind == "column_order":
        return finding(WARNING, "Django names every column; the order does not matter to it.")
    if kind == "missing_enum":
        return finding(ERROR, "The columns of this type cannot hold the models' values.")
    if kind == "missing_enum_label":
        return finding(ERROR, "Django would write a value the database refuses.")
    if kind == "extra_enum_label":
        return finding(
            WARNING, "Rows may hold a value the models do not list; Django shows it as stored."
        )
    if kind == "enum_label_order":
        return finding(WARNING, "Sorting by a column of this type gives another order.")
    if kind in ("missing_index", "index_definition", "extra_index"):
        return _classify_index(finding, difference, expected, found)
    if kind.startswith("missing_"):
        constraint = expected.constraints[(table, name)]
        other = _same_under_another_name(found, constraint)
        if other:
            return finding(
                ERROR,
                f"The same constraint exists as {other}; later migrations name it {name}: "
                f'rename it (ALTER TABLE {table} RENAME CONSTRAINT "{other}" TO "{name}").',
            )
        return finding(ERROR, "The models rely on this constraint; the database must enforce it.")
    if kind == "constraint_definition":
        return finding(ERROR, "The models rely on this constraint as it is defined.")
    if kind.startswith("extra_"):
        if any(
            want.table == table and want.definition == difference.found
            for want in expected.constraints.values()
        ):
            return None  # reported as the renamed constraint
        return finding(
            WARNING,
            "The database enforces a rule the models do not know; writes that break it fail.",
        )
    raise ValueError(f"unknown schema difference {kind!r}")


def _classify_index(finding, difference, expected, found):
    want = expected.indexes.get(difference.name)
    if want is not None and want.primary:
        return None  # the primary key constraint's finding says it
    have = found.indexes.get(difference.name)
    if have is not None and have.primary:
        return None
    if difference.kind == "extra_index":
        if have.unique:
            return finding(WARNING, "The database refuses rows that duplicate its columns.")
        return finding(WARNING, "Django does not use it; writes keep it up to date.")
    if want.unique:
        return finding(
            WARNING,
            f"The database no longer refuses duplicate {', '.join(want.columns)}; "
            "queries that filter on it are slower.",
        )
    return finding(WARNING, "Queries that filter on it are slower; Django works without it.")


def revision_finding(revisions):
    """An error unless alembic_version holds exactly the revision this code adopts."""
    if revisions == [LEGACY_REVISION]:
        return None
    stamp = (
        f"If its schema is that of revision {LEGACY_REVISION} (the report below says), stamp it "
        f"with the legacy backend (`alembic stamp {LEGACY_REVISION}`) and run baseline again."
    )
    if revisions is None:
        found = "no alembic_version table"
        impact = f"The legacy backend's Alembic never stamped this database. {stamp}"
    elif not revisions:
        found = "an empty alembic_version table"
        impact = f"Alembic records no revision here (after `alembic downgrade base`?). {stamp}"
    else:
        found = f"revision {', '.join(revisions)}"
        impact = (
            f"Only revision {LEGACY_REVISION}, the schema the Django models reproduce, can be "
            "adopted. A later legacy revision must first be reverted with the legacy backend "
            f"(`alembic downgrade {LEGACY_REVISION}`) or written as a Django migration; an "
            f"earlier one upgraded (`alembic upgrade {LEGACY_REVISION}`)."
        )
    return Finding(
        ERROR, "alembic_revision", None, "alembic_version", LEGACY_REVISION, found, impact
    )


# The report


@dataclass
class Report:
    database: str
    target: str
    state: str
    outcome: str
    summary: str
    revisions: list | None = None
    findings: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    applied: list = field(default_factory=list)
    applied_after_commit: list = field(default_factory=list)
    compared: list = field(default_factory=list)  # after adoption: the last applied migrations

    @property
    def errors(self):
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self):
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def ok(self):
        return self.outcome not in (REFUSED, FAILED, DRIFTED)

    def as_dict(self):
        return {
            "database": self.database,
            "target": self.target,
            "state": self.state,
            "outcome": self.outcome,
            "ok": self.ok,
            "summary": self.summary,
            "alembic_revisions": self.revisions,
            "supported_revision": LEGACY_REVISION,
            "errors": [finding.as_dict() for finding in self.errors],
            "warnings": [finding.as_dict() for finding in self.warnings],
            "recorded_without_running": self.recorded,
            "applied": self.applied,
            "applied_after_commit": self.applied_after_commit,
            "compared_with": self.compared,
        }

    def as_json(self):
        return json.dumps(self.as_dict(), indent=2)

    def as_text(self):
        lines = [
            f"Database {self.database!r} ({self.target}): {STATE_DESCRIPTIONS[self.state](self)}."
        ]
        if self.state == "legacy":
            lines.append(
                "Schema compared with what the baseline migrations create "
                f"({', '.join(f'{app}.{name}' for app, name in BASELINE)}): "
                f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}."
            )
        elif self.compared:
            lines.append(
                "Schema compared with what the applied migrations create (up to "
                f"{', '.join(self.compared)}): "
                f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}."
            )
        for finding in self.errors + self.warnings:
            lines.append(f"  {finding.severity.upper():8} {finding.headline}")
            lines.append(f"  {'':8} {finding.impact}")
        if self.recorded:
            lines.append(
                "Recorded as applied without running them (the legacy tables are already there): "
                + ", ".join(self.recorded)
            )
        if self.applied:
            lines.append("Applied: " + _group_by_app(self.applied))
        if self.applied_after_commit:
            lines.append(
                "Applied after the adoption committed (non-atomic migrations, those adding enum "
                "values, their dependents): " + ", ".join(self.applied_after_commit)
            )
        lines.append(self.summary)
        return "\n".join(lines)


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _group_by_app(migrations):
    by_app = {}
    for label in migrations:
        app, name = label.split(".", 1)
        by_app.setdefault(app, []).append(name)
    return "; ".join(
        f"{app} ({', '.join(names)})" if app in BASELINE_APPS else f"{app} ({len(names)})"
        for app, names in by_app.items()
    )


STATE_DESCRIPTIONS = {
    "legacy": lambda report: (
        f"a legacy database at Alembic revision {', '.join(report.revisions)}"
        if report.revisions
        else "legacy tables without a stamped Alembic revision"
    ),
    "adopted": lambda report: "a legacy database already adopted by Django",
    "django": lambda report: "a database created by Django's migrations",
    "empty": lambda report: "no legacy tables",
    "unsupported": lambda report: "not a PostgreSQL database",
    "unreadable": lambda report: "its schema could not be read",
}


# Examining and adopting


def _alembic_revisions(cursor):
    cursor.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT version_num FROM public.alembic_version ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _pending(connection):
    executor = MigrationExecutor(connection)
    return executor.loader.graph, executor.migration_plan(executor.loader.graph.leaf_nodes())


def describe_target(connection):
    """Which database this is, for an operator: `name on host:port`."""
    settings = connection.settings_dict
    host = settings.get("HOST") or "local socket"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"{settings.get('NAME')} on {host}{port}"


def examine(connection, alias):
    """What the database is, and for a legacy one every difference from the baseline schema."""
    with connection.cursor() as cursor:
        found = read_schema(cursor)
        revisions = _alembic_revisions(cursor)
    recorder = MigrationRecorder(connection)
    applied = set(recorder.applied_migrations()) if recorder.has_table() else set()
    report = Report(alias, describe_target(connection), "legacy", CHECKED, "", revisions)

    if set(BASELINE) <= applied:
        adopted = revisions is not None
        report.findings, report.compared = drift_findings(
            connection, applied, revisions if adopted else None
        )
        if report.errors:
            report.state = "adopted" if adopted else "django"
            report.outcome = DRIFTED
            report.summary = (
                f"Drift: {_count(len(report.errors), 'error')}; nothing was changed. Fix the "
                "errors above (in the database, or with a migration that brings the models to "
                "it) and run `python manage.py baseline --check` again."
            )
        elif adopted:
            report.state, report.outcome = "adopted", ALREADY_ADOPTED
            report.summary = "Already adopted: nothing to do, nothing was changed."
        else:
            report.state, report.outcome = "django", NOTHING_TO_ADOPT
            report.summary = (
                "Nothing to adopt: Django manages this database already. Nothing was changed."
            )
        pending = len(_pending(connection)[1])
        if pending:
            report.summary += (
                f" {_count(pending, 'migration')} not applied yet: run `python manage.py migrate`."
            )
        return report

    if revisions is None and not found.tables and not found.enums:
        report.state, report.outcome = "empty", NOTHING_TO_ADOPT
        report.summary = (
            "Nothing to adopt: this database has none of the legacy tables. "
            "Create the schema with `python manage.py migrate`. Nothing was changed."
        )
        return report

    expected = expected_schema(connection)
    findings = [revision_finding(revisions)]
    findings += [classify(difference, expected, found) for difference in compare(expected, found)]
    report.findings = [finding for finding in findings if finding is not None]
    if report.errors:
        report.outcome = REFUSED
        report.summary = (
            f"Not adopted: {_count(len(report.errors), 'error')}; nothing was changed. "
            "Fix the errors above and run `python manage.py baseline --check` again."
        )
    else:
        report.summary = "Ready to adopt: run `python manage.py baseline`. Nothing was changed."
    return report


def adopt(alias="default", check=False, lock_timeout=LOCK_TIMEOUT):
    """Examine database `alias` and, unless `check` or it has errors, adopt it. Returns a Report."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return Report(
            alias,
            describe_target(connection),
            "unsupported",
            REFUSED,
            f"Not adopted: the legacy backend ran on PostgreSQL, this database is "
            f"{connection.vendor}. A new database needs `python manage.py migrate`.",
        )
    report = None
    try:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                if check:
                    cursor.execute("SET TRANSACTION READ ONLY")
                else:
                    # A second run waits here, then finds the work done.
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADOPTION_LOCK_KEY])
                    cursor.execute(f"SET LOCAL lock_timeout = {round(lock_timeout * 1000)}")
            report = examine(connection, alias)
            if check or report.outcome != CHECKED:
                return report
            after_commit = _apply_baseline(connection, alias, report)
    except (
        DatabaseError,
        CommandError,
        InconsistentMigrationHistory,
        MigrationSchemaMissing,
    ) as exc:
        if report is None:
            return Report(
                alias,
                describe_target(connection),
                "unreadable",
                FAILED,
                f"Not adopted: reading the database failed ({str(exc).strip()}). "
                "Nothing was changed.",
            )
        report.outcome = FAILED
        report.recorded, report.applied = [], []
        report.summary = (
            f"Not adopted: migrating failed ({str(exc).strip()}). The transaction was rolled "
            "back: nothing was changed."
        )
        return report

    report.outcome = ADOPTED
    report.summary = (
        "Adopted. No legacy row was touched; alembic_version stays at "
        f"{LEGACY_REVISION}, the way back to Alembic."
    )
    if after_commit:
        _apply_after_commit(alias, report, after_commit)
    return report


def _apply_baseline(connection, alias, report):
    """Record the baseline, apply what follows it; return the migrations that must wait for commit.

    A non-atomic migration (such as AddIndexConcurrently) cannot run inside the adoption
    transaction, and a value an AddEnumValue adds cannot be used in it: such a migration, and
    whatever depends on it, is applied once the adoption is committed.
    """
    recorder = MigrationRecorder(connection)
    already = set(recorder.applied_migrations()) if recorder.has_table() else set()
    for app, name in BASELINE:
        if (app, name) not in already:
            recorder.record_applied(app, name)
            report.recorded.append(f"{app}.{name}")

    graph, plan = _pending(connection)
    deferred = set()
    for migration, _ in plan:
        key = (migration.app_label, migration.name)
        parents = {parent.key for parent in graph.node_map[key].parents}
        if not migration.atomic or adds_enum_value(migration) or parents & deferred:
            deferred.add(key)
    in_transaction = [m for m, _ in plan if (m.app_label, m.name) not in deferred]
    after_commit = [m for m, _ in plan if (m.app_label, m.name) in deferred]
    if after_commit:
        # Per app, the migrations kept in the transaction are a prefix closed under dependencies.
        last = {migration.app_label: migration.name for migration in in_transaction}
        for app, name in last.items():
            call_command("migrate", app, name, database=alias, verbosity=0, interactive=False)
    else:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    report.applied = [f"{migration.app_label}.{migration.name}" for migration in in_transaction]
    return after_commit


def adds_enum_value(migration):
    """A value added in a transaction cannot be used before it commits: apply it on its own."""
    return any(isinstance(operation, AddEnumValue) for operation in migration.operations)


def _apply_after_commit(alias, report, migrations):
    try:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    except (DatabaseError, CommandError) as exc:
        report.outcome = FAILED
        report.summary = (
            "Adopted, but a migration that runs outside the adoption transaction failed "
            f"({str(exc).strip()}). Fix it and run `python manage.py migrate`."
        )
        return
    report.applied_after_commit = [
        f"{migration.app_label}.{migration.name}" for migration in migrations
    ]
