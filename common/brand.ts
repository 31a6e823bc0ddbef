/**
 * Branded types keep ids and units apart at compile time at no run-time cost:
 * a RangeId cannot be passed where a NodeId is expected.
 */
declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
