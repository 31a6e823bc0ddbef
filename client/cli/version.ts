import type { Command } from 'commander';
import { buildInfo } from '../../common/version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print build information')
    .option('--format <format>', 'text or json', 'text')
    .action((options: { format: string }) => {
      const info = buildInfo();
      if (options.format === 'json') {
        process.stdout.write(JSON.stringify(info) + '\n');
      } else if (options.format === 'text') {
        process.stdout.write(`Tessera v${info.version}\nnode: ${info.nodeVersion}\nplatform: ${info.platform}\n`);
      } else {
        throw new Error(`unknown --format ${options.format}: use text or json`);
      }
    });
}
