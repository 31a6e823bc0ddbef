/**
 * The SQL type system: PostgreSQL's types with their OIDs and typmods, the JavaScript
 * representation of their values, text input and output, casts and coercion, the common-type
 * and overload-resolution rules of manual chapter 10, and each type's order and equality. See
 * OVERVIEW.md.
 */
export { Oid, type TypeOid } from './oids.js';
export { sqlType, sameType, T, type SqlType } from './sql-type.js';
export {
  allTypes, arrayTypeOf, elementTypeOf, findType, findTypeByName, isArrayType, isPolymorphicType, requireArrayTypeOf,
  typeCategory, typeInfo, type TypeCategory, type TypeInfo,
} from './type-registry.js';
export {
  formatType, IntervalField, numericPrecisionScale, numericTypmodOf, typeName, typmodFromModifiers, VARHDRSZ,
} from './typmod.js';
export { parseTypeNameText, resolveTypeName } from './type-names.js';
export { SqlArray, SqlRecord, VOID, type Value } from './value.js';
export { JSONB_NULL, JsonbObject, jsonbObject, type JsonbValue } from './jsonb-value.js';
export { displayScale, formatNumeric, numeric } from './numeric-value.js';
export { defaultTypeContext, type CatalogNames, type TypeContext } from './type-context.js';
export { findTimeZone, timeZoneSetting, UTC_ZONE, type TimeZone } from './datetime/time-zone.js';
export { formatNullable, formatValue, parseValue } from './io/value-io.js';
export {
  canCoerce, canCoerceTypes, castValue, findCoercionPathway, planCoercion, type CastPlan, type CoercionContext,
  type CoercionPath,
} from './coercion.js';
export { checkCoercibleToCommon, selectCommonType } from './common-type.js';
export { concreteType, resolvePolymorphicTypes, type PolymorphicResolution } from './polymorphic.js';
export {
  comparatorFor, compareNullable, compareValues, equalityKey, hashValue, typeHasOrdering, valuesEqual, type Comparator,
  type EqualityKey,
} from './compare.js';
