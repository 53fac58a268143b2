"""What an operator must know about a database's schema: each difference, classified and explained.

`schema_findings(expected, found)` compares two schemas (see `scalper.legacy.schema`) and turns
every difference into a `Finding`: an error (Django cannot work with it) or a warning (it can),
with what it means for the application. The classification is the table `RULES`, read from the
top: the first rule whose kind matches and whose condition holds decides.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from scalper.legacy.schema import LEGACY_REVISION, compare

ERROR, WARNING = "error", "warning"


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


@dataclass(frozen=True)
class Case:
    """A difference with the two schemas it comes from: what the rules' conditions and texts read.

    The texts are format strings over these attributes (`{table}`, `{renamed_from}`, ...).
    """

    difference: object
    expected_schema: object
    found_schema: object

    def __getitem__(self, attribute):
        return getattr(self, attribute)

    @property
    def table(self):
        return self.difference.table

    @property
    def name(self):
        return self.difference.name

    @property
    def wanted_column(self):
        return self.expected_schema.tables[self.table][self.name]

    @property
    def found_column(self):
        return self.found_schema.tables[self.table][self.name]

    @property
    def default_dropped(self):
        return self.difference.expected is not None and self.difference.found is None

    @property
    def wanted_index(self):
        return self.expected_schema.indexes.get(self.name)

    @property
    def found_index(self):
        return self.found_schema.indexes.get(self.name)

    @property
    def unique_columns(self):
        return ", ".join(self.wanted_index.columns or ("its expressions",))

    @property
    def renamed_from(self):
        """The found constraint that is the expected one under another name, or None."""
        want = self.expected_schema.constraints[(self.table, self.name)]
        return next(
            (
                have.name
                for have in self.found_schema.constraints.values()
                if want.definition is not None
                and (have.table, have.kind, have.definition)
                == (want.table, want.kind, want.definition)
                and have.name != want.name
            ),
            None,
        )

    @property
    def expected_under_another_name(self):
        return any(
            want.table == self.table and want.definition == self.difference.found
            for want in self.expected_schema.constraints.values()
        )


@dataclass(frozen=True)
class Rule:
    """Differences of these kinds (shell patterns), when `applies` holds, are `severity`.

    A rule without a severity leaves the difference out: another finding already says it.
    """

    kinds: tuple
    severity: str | None
    impact: str = ""
    applies: object = None

    def matches(self, case):
        return any(fnmatchcase(case.difference.kind, kind) for kind in self.kinds) and (
            self.applies is None or bool(self.applies(case))
        )


INDEX_KINDS = ("missing_index", "index_definition", "extra_index")

RULES = (
    Rule(("missing_table",), ERROR, "Django reads and writes this table."),
    Rule(("missing_column",), ERROR, "Every query of this table through Django would fail."),
    Rule(("column_type",), ERROR, "Django reads and writes this column with the expected type."),
    Rule(
        ("column_nullability",),
        WARNING,
        "Django leaves this column to the database default on insert.",
        lambda case: (
            case.wanted_column.nullable
            and case.wanted_column.default is not None
            and case.found_column.default is not None
        ),
    ),
    Rule(
        ("column_nullability",),
        ERROR,
        "Django writes NULL here when the value is empty; the database refuses it.",
        lambda case: case.wanted_column.nullable,
    ),
    Rule(
        ("column_nullability",),
        WARNING,
        "The database accepts NULL where the models require a value; "
        "rows written by other programs may hold NULL.",
    ),
    Rule(
        ("column_default",),
        ERROR,
        "Django relies on this default on insert; the database would refuse.",
        lambda case: case.default_dropped and not case.found_column.nullable,
    ),
    Rule(
        ("column_default",),
        WARNING,
        "Rows inserted through Django get NULL here instead.",
        lambda case: case.default_dropped,
    ),
    Rule(("column_default",), WARNING, "Django does not rely on this default; other programs may."),
    Rule(
        ("extra_column",),
        ERROR,
        "Django does not know this column and cannot fill it: every insert would fail. "
        "Give it a default or make it nullable.",
        lambda case: not case.found_column.nullable and case.found_column.default is None,
    ),
    Rule(
        ("extra_column",),
        WARNING,
        "Django ignores this column; new rows get its default (or NULL).",
    ),
    Rule(
        ("column_order",),
        WARNING,
        "Django names every column; the order does not matter to it.",
    ),
    Rule(("missing_enum",), ERROR, "The columns of this type cannot hold the models' values."),
    Rule(("missing_enum_label",), ERROR, "Django would write a value the database refuses."),
    Rule(
        ("extra_enum_label",),
        WARNING,
        "Rows may hold a value the models do not list; Django shows it as stored.",
    ),
    Rule(("enum_label_order",), WARNING, "Sorting by a column of this type gives another order."),
    # A primary key's index: the primary key constraint's finding says it.
    Rule(
        INDEX_KINDS,
        None,
        applies=lambda case: (
            (case.wanted_index and case.wanted_index.primary)
            or (case.found_index and case.found_index.primary)
        ),
    ),
    Rule(
        ("extra_index",),
        WARNING,
        "The database refuses rows that duplicate its columns.",
        lambda case: case.found_index.unique,
    ),
    Rule(("extra_index",), WARNING, "Django does not use it; writes keep it up to date."),
    Rule(
        ("missing_index", "index_definition"),
        WARNING,
        "The database no longer refuses duplicate {unique_columns}; "
        "queries that filter on it are slower.",
        lambda case: case.wanted_index.unique,
    ),
    Rule(
        ("missing_index", "index_definition"),
        WARNING,
        "Queries that filter on it are slower; Django works without it.",
    ),
    # Constraints: missing_primary_key, extra_foreign_key, ...
    Rule(
        ("missing_*",),
        ERROR,
        "The same constraint exists as {renamed_from}; later migrations name it {name}: "
        'rename it (ALTER TABLE {table} RENAME CONSTRAINT "{renamed_from}" TO "{name}").',
        lambda case: case.renamed_from,
    ),
    Rule(
        ("missing_*",),
        ERROR,
        "The models rely on this constraint; the database must enforce it.",
    ),
    Rule(("constraint_definition",), ERROR, "The models rely on this constraint as it is defined."),
    # Reported as the renamed constraint.
    Rule(("extra_*",), None, applies=lambda case: case.expected_under_another_name),
    Rule(
        ("extra_*",),
        WARNING,
        "The database enforces a rule the models do not know; writes that break it fail.",
    ),
)

# How a difference's values read in a finding, where the bare value would say nothing.
SHOWN_AS = {"column_default": lambda value: value or "no default"}


def classify(difference, expected, found):
    """The `Finding` for one `Difference` of `found` from `expected`, or None to leave it out."""
    case = Case(difference, expected, found)
    rule = next((rule for rule in RULES if rule.matches(case)), None)
    if rule is None:
        raise ValueError(f"unknown schema difference {difference.kind!r}")
    if rule.severity is None:
        return None
    show = SHOWN_AS.get(difference.kind, lambda value: value)
    return Finding(
        rule.severity,
        difference.kind,
        difference.table,
        difference.name,
        show(difference.expected),
        show(difference.found),
        rule.impact.format_map(case),
    )


def schema_findings(expected, found):
    """Every finding about the `found` schema, compared with the `expected` one."""
    findings = (classify(difference, expected, found) for difference in compare(expected, found))
    return [finding for finding in findings if finding is not None]


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
