// @ts-check
import tseslint from 'typescript-eslint';

/** Globals that would make a pure state machine depend on time, scheduling or the process. */
const impureGlobals = [
  'Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval',
  'clearImmediate', 'queueMicrotask', 'Promise', 'process', 'performance', 'fetch', 'require',
].map((name) => ({ name, message: `${name} is not allowed here: the core is pure (time is tick(), IO is the caller's).` }));

const pureCoreRules = {
  'no-restricted-globals': ['error', ...impureGlobals],
  'no-restricted-properties': ['error',
    { object: 'Math', property: 'random', message: 'Use the injected Prng: runs must replay from a seed.' }],
  'no-restricted-imports': ['error', {
    patterns: [{ group: ['node:*', 'fs', 'fs/*', 'net', 'dgram', 'http', 'https', 'child_process', 'worker_threads', 'timers', 'timers/*', 'level', 'classic-level', '@grpc/*'],
      message: 'The pure core performs no IO.' }],
  }],
  'no-restricted-syntax': ['error',
    { selector: ':function[async=true]', message: 'The pure core is synchronous.' },
    { selector: 'AwaitExpression', message: 'The pure core is synchronous.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/testdata/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['raft/core/**/*.ts'], ignores: ['raft/core/**/*.test.ts'], rules: pureCoreRules },
);
