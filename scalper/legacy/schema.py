"""The legacy schema as PostgreSQL's catalog describes it, and the differences between two schemas.

`read_schema()` reads tables, columns, enum types, indexes and constraints of a live database;
`compare()` lists every way a found schema differs from an expected one, each difference naming
its table, object, expected and found value.
"""

from dataclasses import dataclass, field

# The six tables and five enum types of Alembic revision fef8185d3887 (alembic_version aside).
LEGACY_TABLES = (
    "activity_logs",
    "bots",
    "exchange_credentials",
    "orders",
    "telegram_connections",
    "trades",
)
LEGACY_ENUMS = ("botstatus", "exchange", "orderside", "orderstatus", "ordertype")
LEGACY_REVISION = "fef8185d3887"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None
    position: int


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple | None  # None: an expression index, its columns not compared
    unique: bool
    primary: bool
    definition: str


@dataclass(frozen=True)
class Constraint:
    name: str
    table: str
    kind: str
    definition: str | None  # None: only its existence is compared


@dataclass
class Schema:
    tables: dict = field(default_factory=dict)  # table name -> {column name: Column}
    enums: dict = field(default_factory=dict)  # type name -> tuple of labels, in order
    indexes: dict = field(default_factory=dict)  # index name -> Index
    constraints: dict = field(default_factory=dict)  # (table, constraint name) -> Constraint


@dataclass(frozen=True)
class Difference:
    """One way in which the found schema differs from the expected one."""

    kind: str
    table: str | None
    name: str
    expected: object
    found: object

    def __str__(self):
        where = f"{self.table}.{self.name}" if self.table and self.table != self.name else self.name
        return (
            f"{self.kind.replace('_', ' ')}: {where}: expected {self.expected}, found {self.found}"
        )


CONSTRAINT_KINDS = {
    "p": "primary key",
    "f": "foreign key",
    "u": "unique",
    "c": "check",
    "x": "exclusion",
}


def read_schema(cursor, tables=LEGACY_TABLES, enums=LEGACY_ENUMS, schema="public"):
    """Read `tables` and `enums` of `schema` from the catalog through a DB-API cursor."""
    found = Schema()
    tables = list(tables)
    cursor.execute(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attnum
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname = ANY(%s)
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum
        """,
        [schema, tables],
    )
    for table, name, type_, nullable, default, position in cursor.fetchall():
        found.tables.setdefault(table, {})[name] = Column(name, type_, nullable, default, position)

    cursor.execute(
        """
        SELECT t.typname, e.enumlabel
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname = %s AND t.typname = ANY(%s)
        ORDER BY t.typname, e.enumsortorder
        """,
        [schema, list(enums)],
    )
    labels = {}
    for type_name, label in cursor.fetchall():
        labels.setdefault(type_name, []).append(label)
    found.enums = {name: tuple(values) for name, values in labels.items()}

    cursor.execute(
        """
        SELECT i.relname, t.relname, ix.indisunique, ix.indisprimary,
               pg_get_indexdef(ix.indexrelid),
               ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord)
        FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid
        JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %s AND t.relname = ANY(%s)
        """,
        [schema, tables],
    )
    for name, table, unique, primary, definition, columns in cursor.fetchall():
        found.indexes[name] = Index(name, table, tuple(columns), unique, primary, definition)

    cursor.execute(
        """
        SELECT con.conname, t.relname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %s AND t.relname = ANY(%s)
        """,
        [schema, tables],
    )
    for name, table, kind, definition in cursor.fetchall():
        found.constraints[(table, name)] = Constraint(
            name, table, CONSTRAINT_KINDS.get(kind, kind), definition
        )
    return found


def _compare_columns(table, expected_columns, found_columns):
    for name, want in expected_columns.items():
        have = found_columns.get(name)
        if have is None:
            yield Difference("missing_column", table, name, want.type, "no such column")
            continue
        if have.type != want.type:
            yield Difference("column_type", table, name, want.type, have.type)
        if have.nullable != want.nullable:
            yield Difference(
                "column_nullability",
                table,
                name,
                "NULL" if want.nullable else "NOT NULL",
                "NULL" if have.nullable else "NOT NULL",
            )
        if have.default != want.default:
            yield Difference("column_default", table, name, want.default, have.default)
    for name, have in found_columns.items():
        if name not in expected_columns:
            nullability = "NULL" if have.nullable else "NOT NULL"
            yield Difference(
                "extra_column", table, name, "no such column", f"{have.type} {nullability}"
            )
    expected_order = [name for name in expected_columns if name in found_columns]
    found_order = [name for name in found_columns if name in expected_columns]
    if expected_order != found_order:
        yield Difference("column_order", table, table, expected_order, found_order)


def compare(expected, found):
    """Every difference of `found` from `expected`, as a list of `Difference`."""
    differences = []
    for table, columns in expected.tables.items():
        if table not in found.tables:
            differences.append(Difference("missing_table", table, table, "table", "no such table"))
            continue
        differences.extend(_compare_columns(table, columns, found.tables[table]))

    for name, labels in expected.enums.items():
        have = found.enums.get(name)
        if have is None:
            differences.append(Difference("missing_enum", None, name, labels, "no such type"))
            continue
        for label in labels:
            if label not in have:
                differences.append(
                    Difference("missing_enum_label", None, name, label, f"labels {list(have)}")
                )
        for label in have:
            if label not in labels:
                differences.append(
                    Difference("extra_enum_label", None, name, f"labels {list(labels)}", label)
                )
        common = [label for label in have if label in labels]
        if common != [label for label in labels if label in have]:
            differences.append(Difference("enum_label_order", None, name, labels, have))

    present_tables = set(found.tables)
    for name, want in expected.indexes.items():
        have = found.indexes.get(name)
        if have is None:
            if want.table in present_tables:
                differences.append(
                    Difference("missing_index", want.table, name, want.definition, "no such index")
                )
        elif (have.table, have.unique) != (want.table, want.unique) or (
            want.columns is not None and have.columns != want.columns
        ):
            differences.append(
                Difference("index_definition", want.table, name, want.definition, have.definition)
            )
    for name, have in found.indexes.items():
        if name not in expected.indexes and have.table in expected.tables:
            differences.append(
                Difference("extra_index", have.table, name, "no such index", have.definition)
            )

    for key, want in expected.constraints.items():
        have = found.constraints.get(key)
        if have is None:
            if want.table in present_tables:
                differences.append(
                    Difference(
                        f"missing_{want.kind.replace(' ', '_')}",
                        want.table,
                        want.name,
                        want.definition,
                        "no such constraint",
                    )
                )
        elif have.kind != want.kind or (
            want.definition is not None and have.definition != want.definition
        ):
            differences.append(
                Difference(
                    "constraint_definition", want.table, want.name, want.definition, have.definition
                )
            )
    for key, have in found.constraints.items():
        if key not in expected.constraints and have.table in expected.tables:
            differences.append(
                Difference(
                    f"extra_{have.kind.replace(' ', '_')}",
                    have.table,
                    have.name,
                    "no such constraint",
                    have.definition,
                )
            )
    return differences
