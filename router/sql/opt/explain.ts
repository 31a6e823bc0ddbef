/**
 * EXPLAIN's text in PostgreSQL's format (as with COSTS OFF: Tessera has no statistics yet, so it
 * prints no cost or row estimates rather than invented ones): one line per plan node, details
 * ("Index Cond", "Filter", "Sort Key", ...) under it, children after "->  ".
 */
import { formatNullable } from '../types/io/value-io.js';
import { defaultTypeContext } from '../types/type-context.js';
import type { OutputColumn, RelExpr } from '../plan/rel-expr.js';
import type { ScalarExpr, SortKey } from '../plan/scalar-expr.js';
import { columnOrdinal } from '../catalog/descriptors.js';

const textContext = defaultTypeContext();

interface Node {
  readonly title: string;
  readonly details: string[];
  readonly children: Node[];
}

/** A short SQL text of an expression over `columns` (the input row's columns). */
export function exprText(expr: ScalarExpr, columns: readonly OutputColumn[]): string {
  const sub = (e: ScalarExpr): string => exprText(e, columns);
  switch (expr.kind) {
    case 'const': {
      const text = formatNullable(expr.value, expr.type, textContext);
      if (text === null) return 'NULL';
      return expr.type.oid === 23 || expr.type.oid === 20 || expr.type.oid === 21 || expr.type.oid === 1700 ? text : `'${text.replaceAll("'", "''")}'`;
    }
    case 'column': return columns[expr.index]?.name ?? `$${expr.index}`;
    case 'outer': return `outer.${expr.index}`;
    case 'param': return `$${expr.index + 1}`;
    case 'call': return expr.args.length === 2 && /^[^a-z]/i.test(expr.name)
      ? `(${sub(expr.args[0] as ScalarExpr)} ${expr.name} ${sub(expr.args[1] as ScalarExpr)})`
      : `${expr.name}(${expr.args.map(sub).join(', ')})`;
    case 'and': return `(${expr.args.map(sub).join(' AND ')})`;
    case 'or': return `(${expr.args.map(sub).join(' OR ')})`;
    case 'not': return `(NOT ${sub(expr.arg)})`;
    case 'isNull': return `(${sub(expr.arg)} IS ${expr.negated ? 'NOT ' : ''}NULL)`;
    case 'inList': return `(${sub(expr.arg)} ${expr.negated ? 'NOT IN' : 'IN'} (${expr.list.map(sub).join(', ')}))`;
    case 'cast': return `(${sub(expr.arg)})::${expr.type.oid}`;
    default: return expr.kind;
  }
}

function sortKeyText(key: SortKey, columns: readonly OutputColumn[]): string {
  return `${exprText(key.expr, columns)}${key.descending ? ' DESC' : ''}${key.nullsFirst !== key.descending ? (key.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`;
}

function describe(plan: RelExpr): Node {
  switch (plan.kind) {
    case 'scan': {
      if (plan.constraint.kind === 'full') return { title: `Seq Scan on ${plan.table.name}`, details: [], children: [] };
      const index = plan.constraint.index;
      const names = index.columnIds.map((id) => plan.table.columns[columnOrdinal(plan.table, id)]?.name ?? '?');
      const keys = plan.constraint.keys;
      const width = keys[0]?.length ?? 0;
      const conds = names.slice(0, width).map((name, i) => {
        const column = plan.table.columns.find((c) => c.name === name);
        const values = keys.map((k) => (column === undefined ? String(k[i]) : (formatNullable(k[i] ?? null, column.type, textContext) ?? 'NULL')));
        const unique = [...new Set(values)];
        return unique.length === 1 ? `(${name} = ${quote(unique[0] ?? '', column?.type.oid)})` : `(${name} = ANY ('{${unique.join(',')}}'))`;
      });
      return { title: `Index Scan using ${index.name} on ${plan.table.name}`, details: [`Index Cond: ${conds.length === 1 ? conds[0] ?? '' : `(${conds.join(' AND ')})`}`], children: [] };
    }
    case 'filter': {
      const child = describe(plan.input);
      const filter = `Filter: ${exprText(plan.predicate, plan.input.columns)}`;
      if (plan.input.kind === 'scan') return { ...child, details: [...child.details, filter] };
      return { ...child, details: [...child.details, filter] };
    }
    case 'project': return describe(plan.input);
    case 'values': return { title: `Values Scan on "*VALUES*"`, details: [], children: [] };
    case 'join': {
      const kind = plan.joinType === 'inner' ? '' : ` ${plan.joinType[0]?.toUpperCase() ?? ''}${plan.joinType.slice(1)} Join`;
      const details = plan.on === undefined ? [] : [`Join Filter: ${exprText(plan.on, plan.columns)}`];
      return { title: `Nested Loop${kind}`, details, children: [describe(plan.left), describe(plan.right)] };
    }
    case 'aggregate': {
      const keys = plan.groupBy.map((g) => exprText(g, plan.input.columns));
      return { title: keys.length === 0 ? 'Aggregate' : 'HashAggregate', details: keys.length === 0 ? [] : [`Group Key: ${keys.join(', ')}`], children: [describe(plan.input)] };
    }
    case 'window': return { title: 'WindowAgg', details: [], children: [describe(plan.input)] };
    case 'sort': return { title: 'Sort', details: [`Sort Key: ${plan.keys.map((k) => sortKeyText(k, plan.input.columns)).join(', ')}`], children: [describe(plan.input)] };
    case 'limit': return { title: 'Limit', details: [], children: [describe(plan.input)] };
    case 'distinct': return { title: plan.on === undefined ? 'HashAggregate' : 'Unique', details: [], children: [describe(plan.input)] };
    case 'setop': {
      if (plan.op === 'union') {
        const append: Node = { title: 'Append', details: [], children: [describe(plan.left), describe(plan.right)] };
        return plan.all ? append : { title: 'HashAggregate', details: [], children: [append] };
      }
      return { title: `HashSetOp ${plan.op === 'intersect' ? 'Intersect' : 'Except'}${plan.all ? ' All' : ''}`, details: [], children: [describe(plan.left), describe(plan.right)] };
    }
    case 'cteRef': return { title: `CTE Scan on ${plan.cte.name}`, details: [], children: [] };
    case 'srf': return { title: `Function Scan on ${plan.name}`, details: [], children: [] };
  }
}

function quote(text: string, oid: number | undefined): string {
  return oid === 23 || oid === 20 || oid === 21 || oid === 1700 ? text : `'${text}'::text`;
}

function render(node: Node, indent: number, arrow: boolean, out: string[]): void {
  const pad = ' '.repeat(indent);
  out.push(arrow ? `${pad}->  ${node.title}` : `${pad}${node.title}`);
  const inner = arrow ? indent + 6 : indent + 2;
  for (const detail of node.details) out.push(`${' '.repeat(inner)}${detail}`);
  for (const child of node.children) render(child, arrow ? indent + 6 : indent + 2, true, out);
}

/** The lines of EXPLAIN's QUERY PLAN column for a plan. */
export function explainLines(plan: RelExpr): string[] {
  const out: string[] = [];
  render(describe(plan), 0, false, out);
  return out;
}
