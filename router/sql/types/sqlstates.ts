/**
 * SQLSTATE codes the type system and the function library raise that errors/sqlstate.ts does not
 * list yet, with their names in PostgreSQL's errcodes.txt. They are typed as SqlStateCode so that
 * PgError accepts them.
 */
import type { SqlStateCode } from '../errors/sqlstate.js';

const code = (value: string): SqlStateCode => value as SqlStateCode;

export const MoreSqlState = {
  InvalidRegularExpression: code('2201B'),
  InvalidArgumentForLogarithm: code('2201E'),
  InvalidArgumentForPowerFunction: code('2201F'),
  InvalidArgumentForWidthBucketFunction: code('2201G'),
  SubstringError: code('22011'),
  InvalidUseOfEscapeCharacter: code('2200B'),
  InvalidArgumentForNtileFunction: code('22014'),
  InvalidArgumentForNthValueFunction: code('22016'),
  InvalidPrecedingOrFollowingSize: code('22013'),
  ZeroLengthCharacterString: code('2200F'),
  UntranslatableCharacter: code('22P05'),
} as const;
