#!/usr/bin/env node
/**
 * The `tessera` command. Each subcommand lives in its own file beside this one and registers
 * itself on the program; this file only assembles them and runs.
 */
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
