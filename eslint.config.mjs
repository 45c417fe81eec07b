// ESLint flat config: typescript-eslint strictTypeChecked, plus the determinism rules for chaincode/src.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenInChaincode = {
  'no-restricted-globals': [
    'error',
    { name: 'Date', message: 'Chaincode is deterministic: use ctx.stub.getDateTimestamp() or pass time in.' },
    { name: 'process', message: 'Chaincode is deterministic: no process access.' },
    { name: 'setTimeout', message: 'No timers in chaincode.' },
    { name: 'setInterval', message: 'No timers in chaincode.' },
    { name: 'performance', message: 'No clocks in chaincode.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use the seeded generator (util/prng.ts).' },
    { object: 'Date', property: 'now', message: 'No clock in chaincode.' },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process', 'os', 'node:os'],
    },
  ],
};

export default tseslint.config(
  { ignores: ['test/integration/support/rogue-chaincode/**', 'bench/caliper/**', '**/dist/**', '**/node_modules/**', '.cache/**', '.run/**', 'out/**', 'jest.config.js', 'jest.unit-setup.js', 'eslint.config.mjs', 'docs/**', 'gateway-client/src/dashboard/static/**', 'gateway-client/bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['chaincode/src/**/*.ts'],
    ignores: ['chaincode/src/**/*.test.ts'],
    rules: forbiddenInChaincode,
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
