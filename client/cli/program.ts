import { Command } from 'commander';
import { buildInfo } from '../../common/version.js';
import { registerVersion } from './version.js';
import { registerStart } from './start.js';
import { registerDemo } from './demo.js';

export function buildProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera: a distributed SQL database that speaks the PostgreSQL wire protocol.')
    .version(buildInfo().version, '-v, --version', 'print the version number')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerVersion(program);
  registerStart(program);
  registerDemo(program);
  return program;
}
