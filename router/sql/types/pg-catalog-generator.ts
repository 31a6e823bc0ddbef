/**
 * Generates the catalog rows Tessera shares with PostgreSQL 15 (`pg-type.gen.ts`, `pg-cast.gen.ts`
 * and `../functions/pg-proc.gen.ts`) from a live server's pg_type, pg_cast, pg_proc and
 * pg_operator, restricted to the types Tessera supports and the functions it implements.
 *
 * Taking the rows from the real catalog keeps type resolution honest: function and operator
 * resolution (manual chapter 10) chooses among candidates, so answering like PostgreSQL needs
 * PostgreSQL's candidate set, argument types, strictness, volatility and defaults, not a
 * hand-written approximation. `pg-catalog.test.ts` regenerates the files against a throwaway
 * server and fails when they differ (REWRITE=1 rewrites them).
 */

/** Runs one query and returns its rows as arrays of text values (NULL as null). */
export type CatalogQuery = (sql: string) => Promise<readonly (readonly (string | null)[])[]>;

/** Base types Tessera supports, by pg_type.typname; their array types come along. */
export const supportedBaseTypeNames = [
  'bool', 'bytea', 'char', 'name', 'int8', 'int2', 'int4', 'text', 'oid', 'json', 'float4',
  'float8', 'bpchar', 'varchar', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'numeric',
  'uuid', 'jsonb', 'regproc', 'regprocedure', 'regoper', 'regclass', 'regtype', 'regnamespace',
  'regrole', 'int2vector', 'oidvector',
] as const;

/** Pseudo-types that appear in the signatures of supported functions. */
export const supportedPseudoTypeNames = [
  'unknown', 'record', 'any', 'anyarray', 'void', 'anyelement', 'anynonarray', 'anycompatible',
  'anycompatiblearray', 'anycompatiblenonarray', 'cstring',
] as const;

/**
 * The functions, aggregates and window functions of the SQL surface (issue 3), by name. Every
 * overload of each name whose argument and result types are all supported is generated; the
 * registry pairs each with its implementation.
 */
export const supportedFunctionNames = [
  // math
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'mod', 'sqrt', 'cbrt', 'exp', 'ln', 'log',
  'log10', 'power', 'pow', 'sign', 'pi', 'random', 'setseed', 'div', 'gcd', 'lcm', 'width_bucket',
  'degrees', 'radians', 'sin', 'cos', 'tan', 'cot', 'asin', 'acos', 'atan', 'atan2', 'sind', 'cosd',
  'tand', 'cotd', 'asind', 'acosd', 'atand', 'atan2d', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
  'atanh', 'factorial', 'scale', 'min_scale', 'trim_scale',
  // text and bytea
  'length', 'char_length', 'character_length', 'octet_length', 'bit_length', 'lower', 'upper',
  'initcap', 'substring', 'substr', 'position', 'strpos', 'btrim', 'ltrim', 'rtrim', 'lpad', 'rpad',
  'left', 'right', 'repeat', 'replace', 'reverse', 'split_part', 'concat', 'concat_ws', 'format',
  'starts_with', 'ascii', 'chr', 'md5', 'sha224', 'sha256', 'sha384', 'sha512', 'to_hex',
  'quote_ident', 'quote_literal', 'quote_nullable', 'regexp_replace', 'regexp_match',
  'regexp_matches', 'regexp_split_to_array', 'regexp_split_to_table', 'regexp_count',
  'regexp_instr', 'regexp_substr', 'regexp_like', 'overlay', 'translate', 'encode', 'decode',
  'get_byte', 'set_byte', 'string_to_array', 'array_to_string', 'like_escape',
  'similar_to_escape', 'to_char', 'to_date', 'to_timestamp', 'to_number', 'unistr',
  // date and time
  'now', 'statement_timestamp', 'clock_timestamp', 'transaction_timestamp', 'timeofday',
  'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'make_time', 'make_timestamp',
  'make_timestamptz', 'make_interval', 'justify_days', 'justify_hours', 'justify_interval',
  'isfinite', 'timezone', 'date_bin', 'overlaps',
  // json
  'to_json', 'to_jsonb', 'json_build_object', 'json_build_array', 'jsonb_build_object',
  'jsonb_build_array', 'json_object', 'jsonb_object', 'jsonb_typeof', 'json_typeof',
  'jsonb_array_length', 'json_array_length', 'jsonb_each', 'jsonb_each_text', 'json_each',
  'json_each_text', 'jsonb_object_keys', 'json_object_keys', 'jsonb_array_elements',
  'jsonb_array_elements_text', 'json_array_elements', 'json_array_elements_text', 'jsonb_set',
  'jsonb_set_lax', 'jsonb_insert', 'jsonb_strip_nulls', 'json_strip_nulls', 'jsonb_pretty',
  'row_to_json', 'array_to_json', 'jsonb_extract_path', 'jsonb_extract_path_text',
  'json_extract_path', 'json_extract_path_text',
  // arrays
  'array_append', 'array_prepend', 'array_cat', 'array_length', 'array_upper', 'array_lower',
  'array_ndims', 'array_dims', 'cardinality', 'array_position', 'array_positions', 'array_remove',
  'array_replace', 'unnest', 'trim_array', 'array_fill', 'generate_subscripts',
  // misc
  'gen_random_uuid', 'version', 'pg_typeof', 'generate_series', 'num_nulls', 'num_nonnulls',
  // aggregates
  'count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg',
  'jsonb_agg', 'json_agg', 'jsonb_object_agg', 'json_object_agg', 'stddev', 'stddev_samp',
  'stddev_pop', 'variance', 'var_samp', 'var_pop', 'bit_and', 'bit_or', 'bit_xor',
  // window functions
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead',
  'first_value', 'last_value', 'nth_value',
  // function-style casts that PostgreSQL implements as functions
  'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'date', 'time', 'timestamp',
  'timestamptz', 'interval', 'bpchar', 'varchar', 'name', 'text',
] as const;

/** The operator implementations that are functions but whose names are not user-facing. */
const supportedSetSql = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

const supportedTypesCte = `
  with base as (
    select oid, typarray from pg_type
    where typname in (${supportedSetSql(supportedBaseTypeNames)}) and typnamespace = 'pg_catalog'::regnamespace
  ), sup as (
    select oid from base
    union select typarray from base where typarray <> 0
    union select oid from pg_type
      where typname in (${supportedSetSql(supportedPseudoTypeNames)}) and typnamespace = 'pg_catalog'::regnamespace
    union select 2287 -- record[]
  )`;

/** A proc is in scope when every argument and its result are supported types. */
const procInScope = `
  p.prorettype in (select oid from sup)
  and not exists (select 1 from unnest(p.proargtypes) a where a not in (select oid from sup))
  and not exists (select 1 from unnest(p.proallargtypes) a where a not in (select oid from sup))`;

/**
 * The key that pairs a catalog function with its implementation: the C symbol (prosrc) for
 * internal functions, which PostgreSQL shares between overloads that run the same code; for SQL
 * functions and aggregates, which have no symbol, the name and argument type names.
 */
const implKeySql = `case when p.prolang = 12 and p.prokind = 'f' then p.prosrc
  else p.proname || '(' || coalesce((select string_agg(t.typname, ',' order by o)
     from unnest(p.proargtypes) with ordinality u(a, o) join pg_type t on t.oid = u.a), '') || ')' end`;

function tsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function tsValue(value: string | null): string {
  return value === null ? 'null' : tsString(value);
}

function header(what: string): string {
  return [
    `/**`,
    ` * ${what}`,
    ` *`,
    ` * Generated from PostgreSQL 15's catalog by pg-catalog-generator.ts; do not edit. Rebuild with`,
    ` * REWRITE=1 npx vitest run router/sql/types/pg-catalog.test.ts`,
    ` */`,
    ``,
  ].join('\n');
}

function pgArray(text: string | null | undefined): string[] {
  if (text === undefined) return [];
  if (text === null || text === '{}') return [];
  return text.slice(1, -1).split(',').map((s) => s.replace(/^"(.*)"$/, '$1'));
}

export async function generateTypeRows(query: CatalogQuery): Promise<string> {
  const rows = await query(`${supportedTypesCte}
    select t.oid, t.typname, format_type(t.oid, null), t.typlen, t.typbyval, t.typtype, t.typcategory,
      t.typispreferred, t.typelem, t.typarray, t.typdelim
    from pg_type t where t.oid in (select oid from sup) order by t.oid`);
  const lines = rows.map((r) => {
    const [oid, name, sqlName, len, byval, kind, category, preferred, elem, array, delim] = r;
    return `  [${oid}, ${tsValue(name ?? null)}, ${tsValue(sqlName ?? null)}, ${len}, ${byval === 't'}, ${tsValue(kind ?? null)}, ` +
      `${tsValue(category ?? null)}, ${preferred === 't'}, ${elem}, ${array}, ${tsValue(delim ?? null)}],`;
  });
  return header('pg_type rows of the supported types: oid, typname, format_type, typlen, typbyval, typtype, typcategory, typispreferred, typelem, typarray, typdelim.') +
    `export type PgTypeRow = readonly [number, string, string, number, boolean, string, string, boolean, number, number, string];\n\n` +
    `export const pgTypeRows: readonly PgTypeRow[] = [\n${lines.join('\n')}\n];\n`;
}

export async function generateCastRows(query: CatalogQuery): Promise<string> {
  const rows = await query(`${supportedTypesCte}
    select c.castsource, c.casttarget, coalesce(p.prosrc, ''), c.castcontext, c.castmethod
    from pg_cast c left join pg_proc p on p.oid = c.castfunc
    where c.castsource in (select oid from sup) and c.casttarget in (select oid from sup)
    order by c.castsource, c.casttarget`);
  const lines = rows.map((r) => `  [${r[0]}, ${r[1]}, ${tsValue(r[2] ?? null)}, ${tsValue(r[3] ?? null)}, ${tsValue(r[4] ?? null)}],`);
  return header('pg_cast rows between supported types: source, target, function symbol (prosrc), context (e/a/i), method (f/i/b).') +
    `export type PgCastRow = readonly [number, number, string, string, string];\n\n` +
    `export const pgCastRows: readonly PgCastRow[] = [\n${lines.join('\n')}\n];\n`;
}

export async function generateProcRows(query: CatalogQuery): Promise<string> {
  const rows = await query(`${supportedTypesCte}
    select p.oid, p.proname, p.prokind, array_to_string(p.proargtypes::oid[], ','), p.prorettype,
      p.proretset, p.provariadic, p.pronargdefaults, pg_get_expr(p.proargdefaults, 0), p.provolatile,
      p.proisstrict, ${implKeySql}, p.proargnames, p.proallargtypes, p.proargmodes,
      coalesce(a.aggkind, '')
    from pg_proc p left join pg_aggregate a on a.aggfnoid = p.oid
    where p.proname in (${supportedSetSql(supportedFunctionNames)}) and p.prokind in ('f', 'a', 'w')
      and p.pronamespace = 'pg_catalog'::regnamespace
      and coalesce(a.aggkind, 'n') = 'n' and ${procInScope}
    order by p.oid`);
  const lines = rows.map((r) => {
    const [oid, name, kind, args, ret, retset, variadic, nDefaults, defaults, volatility, strict, implKey, argNames, allArgs, argModes] = r.map((v) => v ?? null);
    const argList = args === '' || args === null ? '' : args;
    const defaultList = defaults ?? '';
    return `  [${oid}, ${tsValue(name ?? null)}, ${tsValue(kind ?? null)}, [${argList}], ${ret}, ${retset === 't'}, ${variadic}, ` +
      `${nDefaults}, ${tsString(defaultList)}, ${tsValue(volatility ?? null)}, ${strict === 't'}, ${tsValue(implKey ?? null)}, ` +
      `[${pgArray(argNames).map(tsString).join(', ')}], [${pgArray(allArgs).join(', ')}], [${pgArray(argModes).map(tsString).join(', ')}]],`;
  });
  return header('pg_proc rows of the supported functions: oid, proname, prokind, proargtypes, prorettype, proretset, provariadic, pronargdefaults, proargdefaults (as SQL), provolatile, proisstrict, implementation key, proargnames, proallargtypes, proargmodes.') +
    `export type PgProcRow = readonly [number, string, string, readonly number[], number, boolean, number, number, string, string, boolean, string, readonly string[], readonly number[], readonly string[]];\n\n` +
    `export const pgProcRows: readonly PgProcRow[] = [\n${lines.join('\n')}\n];\n`;
}

export async function generateOperatorRows(query: CatalogQuery): Promise<string> {
  const rows = await query(`${supportedTypesCte}
    select o.oid, o.oprname, o.oprkind, o.oprleft, o.oprright, o.oprresult, p.oid, ${implKeySql},
      p.provolatile, o.oprcom, o.oprnegate, p.proisstrict
    from pg_operator o join pg_proc p on p.oid = o.oprcode
    where o.oprnamespace = 'pg_catalog'::regnamespace
      and (o.oprleft = 0 or o.oprleft in (select oid from sup)) and o.oprright in (select oid from sup)
      and o.oprresult in (select oid from sup) and o.oprname not in ('@@')
    order by o.oid`);
  const lines = rows.map((r) => {
    const [oid, name, kind, left, right, result, procOid, implKey, volatility, commutator, negator, strict] = r;
    return `  [${oid}, ${tsValue(name ?? null)}, ${tsValue(kind ?? null)}, ${left}, ${right}, ${result}, ${procOid}, ${tsValue(implKey ?? null)}, ${tsValue(volatility ?? null)}, ${commutator}, ${negator}, ${strict === 't'}],`;
  });
  return header('pg_operator rows between supported types: oid, oprname, oprkind, oprleft, oprright, oprresult, oprcode oid, implementation key, provolatile, oprcom, oprnegate, proisstrict.') +
    `export type PgOperatorRow = readonly [number, string, string, number, number, number, number, string, string, number, number, boolean];\n\n` +
    `export const pgOperatorRows: readonly PgOperatorRow[] = [\n${lines.join('\n')}\n];\n`;
}

/** Every generated file, by path relative to router/sql/. */
export async function generatePgCatalog(query: CatalogQuery): Promise<Record<string, string>> {
  return {
    'types/pg-type.gen.ts': await generateTypeRows(query),
    'types/pg-cast.gen.ts': await generateCastRows(query),
    'functions/pg-proc.gen.ts': await generateProcRows(query),
    'functions/pg-operator.gen.ts': await generateOperatorRows(query),
  };
}
