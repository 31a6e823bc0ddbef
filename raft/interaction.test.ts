/**
 * The interaction scripts of raft/testdata: each file drives a small cluster step by step and
 * checks the transcript (Readys, messages, log lines). REWRITE=1 rewrites the expectations; read
 * the diff and check every change against the protocol before keeping it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { dataDrivenTests } from '../testing/vitest-datadriven.js';
import { InteractionEnv } from './interaction/env.js';
import { interactionHandlers } from './interaction/handlers.js';

describe('raft interaction scripts', () => {
  dataDrivenTests(join(dirname(fileURLToPath(import.meta.url)), 'testdata'), () => {
    const env = new InteractionEnv(interactionHandlers);
    return (tc) => env.handle(tc);
  });
});
