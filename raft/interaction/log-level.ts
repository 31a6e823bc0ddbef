/**
 * log-level <debug|info|warn|error|none>: which log lines of the nodes appear in the output.
 */
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import type { LogLevel } from '../core/logger.js';
import type { InteractionEnv } from './env.js';

export function handleLogLevel(env: InteractionEnv, tc: TestCase): void {
  const level = tc.cmdArgs[0]?.key;
  if (level === undefined || !['debug', 'info', 'warn', 'error', 'none'].includes(level)) {
    throw new DataDrivenError(`${tc.pos}: log-level needs one of debug, info, warn, error, none`);
  }
  env.logger.level = level as LogLevel | 'none';
}
