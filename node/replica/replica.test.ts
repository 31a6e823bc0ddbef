/**
 * Data-driven scripts of the replica (testdata/*.txt): evaluation, waiting, pushing, deadlocks and
 * transaction records, over a LocalKvServer with a manual clock. See testing/replica-script.ts for
 * the commands.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { dataDrivenTests } from '../../testing/vitest-datadriven.js';
import { ReplicaScript } from './testing/replica-script.js';

const testdata = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');

describe('replica scripts', () => {
  dataDrivenTests(testdata, () => {
    const script = new ReplicaScript();
    return (tc) => script.handle(tc);
  });
});
