import pg from 'pg';

/** The slice of Prisma's DMMF data model (written by prisma/generators/datamodel-snapshot.cjs) we compare. */
export interface DataModelSnapshot {
  readonly enums: readonly {
    name: string;
    dbName?: string | null;
    values: readonly { name: string; dbName?: string | null }[];
  }[];
  readonly models: readonly {
    name: string;
    dbName?: string | null;
    fields: readonly {
      name: string;
      dbName?: string | null;
      kind: 'scalar' | 'object' | 'enum' | 'unsupported';
      type: string;
      isRequired: boolean;
      isList: boolean;
      isId: boolean;
      isUnique: boolean;
      hasDefaultValue: boolean;
      nativeType?: readonly [string, readonly string[]] | null;
      relationFromFields?: readonly string[];
      relationToFields?: readonly string[];
    }[];
    uniqueFields: readonly (readonly string[])[];
  }[];
}

const BOOKKEEPING_TABLES = new Set(['netmortem_migrations']);

/**
 * Lists every way the migrated database differs from what the Prisma client expects:
 * tables, columns (type, nullability, default), enums, unique keys and foreign keys.
 * An empty list means the schema file and the SQL migrations agree.
 */
export async function findSchemaDrift(
  databaseUrl: string,
  model: DataModelSnapshot,
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const catalog = await readCatalog(client);
    return compare(model, catalog);
  } finally {
    await client.end();
  }
}

interface ColumnInfo {
  table: string;
  column: string;
  dataType: string;
  udtName: string;
  nullable: boolean;
  hasDefault: boolean;
}

interface Catalog {
  columns: ColumnInfo[];
  enums: Map<string, string[]>;
  uniques: Map<string, string[][]>;
  foreignKeys: Map<
    string,
    { columns: string[]; references: string; referencedColumns: string[] }[]
  >;
}

async function readCatalog(client: pg.Client): Promise<Catalog> {
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'`);
  const enums = await client.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
      GROUP BY t.typname`,
  );
  const constraints = await client.query<{
    table_name: string;
    kind: string;
    columns: string[];
    referenced_table: string | null;
    referenced_columns: string[] | null;
  }>(`SELECT cl.relname AS table_name, c.contype AS kind,
             ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
             rf.relname AS referenced_table,
             ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS referenced_columns
        FROM pg_constraint c
        JOIN pg_class cl ON cl.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_class rf ON rf.oid = c.confrelid
       WHERE c.contype IN ('u', 'p', 'f')`);
  const uniques = new Map<string, string[][]>();
  const foreignKeys: Catalog['foreignKeys'] = new Map();
  for (const row of constraints.rows) {
    if (row.kind === 'f') {
      const list = foreignKeys.get(row.table_name) ?? [];
      list.push({
        columns: row.columns,
        references: row.referenced_table ?? '',
        referencedColumns: row.referenced_columns ?? [],
      });
      foreignKeys.set(row.table_name, list);
    } else {
      const list = uniques.get(row.table_name) ?? [];
      list.push(row.columns);
      uniques.set(row.table_name, list);
    }
  }
  return {
    columns: columns.rows.map((row) => ({
      table: row.table_name,
      column: row.column_name,
      dataType: row.data_type,
      udtName: row.udt_name,
      nullable: row.is_nullable === 'YES',
      hasDefault: row.column_default !== null,
    })),
    enums: new Map(enums.rows.map((row) => [row.name, row.labels])),
    uniques,
    foreignKeys,
  };
}

function compare(model: DataModelSnapshot, catalog: Catalog): string[] {
  const drift: string[] = [];
  const enumDbNames = new Map(model.enums.map((e) => [e.name, e.dbName ?? e.name]));

  for (const prismaEnum of model.enums) {
    const dbName = prismaEnum.dbName ?? prismaEnum.name;
    const expected = prismaEnum.values.map((v) => v.dbName ?? v.name);
    const actual = catalog.enums.get(dbName);
    if (!actual) drift.push(`enum ${dbName}: missing in the database`);
    else if (expected.join(',') !== actual.join(',')) {
      drift.push(
        `enum ${dbName}: schema has [${expected.join(', ')}], database has [${actual.join(', ')}]`,
      );
    }
  }

  const knownTables = new Set<string>();
  for (const prismaModel of model.models) {
    const table = prismaModel.dbName ?? prismaModel.name;
    knownTables.add(table);
    const columns = new Map(
      catalog.columns.filter((c) => c.table === table).map((c) => [c.column, c]),
    );
    if (columns.size === 0) {
      drift.push(`table ${table}: missing in the database`);
      continue;
    }
    const columnOf = new Map<string, string>();
    for (const field of prismaModel.fields) {
      if (field.kind === 'object') continue;
      const columnName = field.dbName ?? field.name;
      columnOf.set(field.name, columnName);
      const column = columns.get(columnName);
      if (!column) {
        drift.push(`${table}.${columnName}: missing in the database`);
        continue;
      }
      columns.delete(columnName);
      const expectedType =
        field.kind === 'enum' ? (enumDbNames.get(field.type) ?? field.type) : sqlTypeOf(field);
      const actualType = column.dataType === 'USER-DEFINED' ? column.udtName : column.dataType;
      if (expectedType !== actualType) {
        drift.push(
          `${table}.${columnName}: schema type ${expectedType}, database type ${actualType}`,
        );
      }
      if (field.isRequired === column.nullable) {
        drift.push(
          `${table}.${columnName}: schema says ${field.isRequired ? 'required' : 'optional'}, database column is ${column.nullable ? 'NULL' : 'NOT NULL'}`,
        );
      }
      if (field.hasDefaultValue && !column.hasDefault) {
        drift.push(`${table}.${columnName}: schema has a default, database column has none`);
      }
    }
    for (const extra of columns.keys()) {
      drift.push(`${table}.${extra}: exists in the database but not in the schema`);
    }

    const dbUniques = (catalog.uniques.get(table) ?? []).map((cols) => cols.join(','));
    const expectedUniques = [
      ...prismaModel.uniqueFields,
      ...prismaModel.fields.filter((f) => f.isUnique || f.isId).map((f) => [f.name]),
    ];
    for (const fields of expectedUniques) {
      const key = fields.map((f) => columnOf.get(f) ?? f).join(',');
      if (!dbUniques.includes(key))
        drift.push(`${table}: unique key (${key}) missing in the database`);
    }

    const dbForeignKeys = catalog.foreignKeys.get(table) ?? [];
    for (const field of prismaModel.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = model.models.find((m) => m.name === field.type);
      const targetTable = target?.dbName ?? field.type;
      const fromColumns = field.relationFromFields.map((f) => columnOf.get(f) ?? f).join(',');
      const found = dbForeignKeys.some(
        (fk) => fk.columns.join(',') === fromColumns && fk.references === targetTable,
      );
      if (!found)
        drift.push(
          `${table}: foreign key (${fromColumns}) -> ${targetTable} missing in the database`,
        );
    }
  }

  const extraTables = new Set(catalog.columns.map((c) => c.table));
  for (const table of extraTables) {
    if (!knownTables.has(table) && !BOOKKEEPING_TABLES.has(table)) {
      drift.push(`table ${table}: exists in the database but not in the schema`);
    }
  }
  return drift;
}

function sqlTypeOf(field: DataModelSnapshot['models'][number]['fields'][number]): string {
  const native = field.nativeType?.[0];
  if (native === 'Uuid') return 'uuid';
  if (native === 'Char') return 'character';
  if (native === 'JsonB') return 'jsonb';
  switch (field.type) {
    case 'String':
      return 'text';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Float':
      return 'double precision';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'timestamp with time zone';
    case 'Json':
      return 'jsonb';
    default:
      return field.type;
  }
}
