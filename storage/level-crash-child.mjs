// A writer for the crash test of level-engine.test.ts, run as a plain Node process (no TypeScript)
// and killed with SIGKILL while it writes. It writes synced batches of three keys
// (`b<n>/0`, `b<n>/1`, `b<n>/2`, all with the value n) and prints `ack <n>` only once LevelDB has
// acknowledged batch n, so that every number the parent reads names a batch that must be on disk,
// whole, after the kill.
//
// Usage: node level-crash-child.mjs <store directory>
import { ClassicLevel } from 'classic-level';

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: level-crash-child.mjs <store directory>\n');
  process.exit(2);
}

const db = new ClassicLevel(path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
await db.open();
process.stdout.write('ready\n');
// Bounded so that a parent that fails to kill it does not leave it running for ever.
for (let n = 0; n < 1_000_000; n++) {
  const value = String(n);
  const key = `b${String(n).padStart(7, '0')}`;
  await db.batch(
    [
      { type: 'put', key: `${key}/0`, value },
      { type: 'put', key: `${key}/1`, value: value.repeat(50) },
      { type: 'put', key: `${key}/2`, value },
    ],
    { sync: true },
  );
  process.stdout.write(`ack ${n}\n`);
}
await db.close();
