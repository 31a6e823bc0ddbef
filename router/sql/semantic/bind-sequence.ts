/**
 * nextval, currval, setval and lastval: their sequence is named by a constant, resolved when the
 * call is analysed (as PostgreSQL does for a regclass constant), and the call runs against the
 * router's sequence values and the session's currval state.
 */
import type { SequenceDescriptor } from '../catalog/descriptors.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import type { SequenceRuntime, SessionSequences } from '../exec/sequence-runtime.js';
import type { ScalarExpr } from '../plan/scalar-expr.js';
import { T } from '../types/sql-type.js';
import type { BindContext } from './bind-context.js';
import { coerce } from './bind-scalar.js';

export interface SequenceBinding {
  /** null when the name is a relation that is not a sequence. */
  readonly lookup: (name: string) => SequenceDescriptor | null | undefined;
  readonly runtime: SequenceRuntime;
  readonly session: SessionSequences;
}

export const sequenceFunctionNames: ReadonlySet<string> = new Set(['nextval', 'currval', 'setval', 'lastval']);

function sequenceOf(arg: ScalarExpr | undefined, binding: SequenceBinding): SequenceDescriptor {
  if (arg === undefined || arg.kind !== 'const' || typeof arg.value !== 'string') throw unsupported('sequence functions on a sequence named by an expression');
  const seq = binding.lookup(arg.value);
  if (seq === null) throw new PgError('42809', `"${arg.value}" is not a sequence`);
  if (seq === undefined) throw new PgError('42P01', `relation "${arg.value}" does not exist`);
  return seq;
}

export function bindSequenceCall(name: string, args: readonly ScalarExpr[], ctx: BindContext): ScalarExpr {
  const binding = ctx.sequences;
  if (binding === undefined) throw unsupported(`${name} here`);
  const call = (type: typeof T.int8, impl: (values: readonly unknown[]) => bigint | null, callArgs: readonly ScalarExpr[]): ScalarExpr => ({
    kind: 'call', type, name, impl: (values) => impl(values), args: callArgs, strict: true, volatile: true,
  });
  if (name === 'lastval') return call(T.int8, () => binding.session.lastval(), []);
  const seq = sequenceOf(args[0], binding);
  switch (name) {
    case 'nextval':
      return call(T.int8, () => {
        const value = binding.runtime.nextval(seq);
        binding.session.record(seq, value);
        return value;
      }, []);
    case 'currval':
      return call(T.int8, () => binding.session.currval(seq), []);
    case 'setval': {
      const value = args[1];
      if (value === undefined) throw new PgError('42883', 'function setval(unknown) does not exist');
      const rest = [coerce(value, T.int8, 'implicit', ctx), ...(args[2] === undefined ? [] : [coerce(args[2], T.bool, 'implicit', ctx)])];
      return call(T.int8, (values) => {
        const v = values[0] as bigint;
        binding.runtime.setval(seq, v, values[1] === undefined ? true : values[1] === true);
        if (values[1] !== false) binding.session.record(seq, v);
        return v;
      }, rest);
    }
    default:
      throw unsupported(name);
  }
}

/** The sequence names a tree passes to sequence functions as constants. */
export function collectSequenceNames(node: unknown, out: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectSequenceNames(item, out);
    return;
  }
  const record = node as Record<string, unknown>;
  const call = record['FuncCall'] as { funcname?: { String?: { sval?: string } }[]; args?: unknown[] } | undefined;
  if (call !== undefined) {
    const name = call.funcname?.at(-1)?.String?.sval;
    if (name !== undefined && sequenceFunctionNames.has(name)) {
      const text = constantText(call.args?.[0]);
      if (text !== undefined) out.add(text);
    }
  }
  for (const value of Object.values(record)) collectSequenceNames(value, out);
}

function constantText(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  const c = record['A_Const'] as { sval?: { sval?: string } } | undefined;
  if (c?.sval !== undefined) return c.sval.sval ?? '';
  const cast = record['TypeCast'] as { arg?: unknown } | undefined;
  return cast === undefined ? undefined : constantText(cast.arg);
}
