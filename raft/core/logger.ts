/**
 * Loggers for the core. The core never writes anywhere itself: it calls the Logger from its
 * Config, which the driver connects to the node's log and tests capture into their output.
 */
import type { Logger } from './types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Discards everything: the default, so that a library never prints on its own. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A Logger that hands each line at or above a threshold to `write`, prefixed with its level in
 * capitals (`INFO 1 became leader at term 1`). The threshold can be changed while running; 'none'
 * silences it.
 */
export class LevelLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void,
    public level: LogLevel | 'none' = 'info',
  ) {}

  debug(message: string): void {
    this.log('debug', message);
  }
  info(message: string): void {
    this.log('info', message);
  }
  warn(message: string): void {
    this.log('warn', message);
  }
  error(message: string): void {
    this.log('error', message);
  }

  private log(level: LogLevel, message: string): void {
    if (this.level === 'none' || LEVEL_RANK[level] < LEVEL_RANK[this.level]) return;
    this.write(`${level.toUpperCase()} ${message}`);
  }
}
