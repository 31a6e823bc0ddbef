/**
 * Runs every logic file against Tessera and prints which pass and the share of records that
 * do; run by hand (SURVEY=1) to choose the files tessera.test.ts holds Tessera to.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { KvDB } from '../../../client/kv/index.js';
import { LocalKvServer } from '../../../node/kv-server/local-kv-server.js';
import { MemoryEngine } from '../../../storage/memory-engine.js';
import { ClientKvSqlDb } from '../session/client-kv-db.js';
import { logicFiles } from './logic-tests.js';
import { runLogicFile } from './runner.js';
import { TesseraTarget } from './tessera-target.js';

const testdataDir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe.runIf(process.env['SURVEY'] === '1')('logic test survey on Tessera', () => {
  it('runs every file', async () => {
    const server = await LocalKvServer.start({ engine: new MemoryEngine(), syncWrites: false });
    const db = new KvDB({ sender: server, clock: server.clock });
    const target = await TesseraTarget.start(new ClientKvSqlDb(db));
    let records = 0;
    let failed = 0;
    const passing: string[] = [];
    for (const name of logicFiles(testdataDir)) {
      const result = await runLogicFile(join(testdataDir, name), target);
      records += result.recordsRun;
      failed += result.failures.length;
      if (result.failures.length === 0) passing.push(name);
      else console.log(`${name}: ${result.failures.length}/${result.recordsRun} fail; first: ${result.failures[0]?.pos} ${result.failures[0]?.message.split('\n').slice(0, 3).join(' | ')}`);
    }
    console.log(`PASSING ${passing.length}: ${passing.join(' ')}`);
    console.log(`RECORDS ${records - failed}/${records} = ${(((records - failed) / Math.max(records, 1)) * 100).toFixed(1)}%`);
    await target.close();
    await db.close();
    await server.close();
  }, 1_200_000);
});
