/** Jest projects: `unit` (tests beside the code) and `integration` (real Fabric network). */
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: { experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true, module: 'commonjs' } }];
// The chaincode package's entry points (chaincode/package.json `exports`), mapped to their sources.
const chaincodeFromSource = {
  '^@carbontrace/chaincode$': '<rootDir>/chaincode/src/index.ts',
  '^@carbontrace/chaincode/contracts/(master|slave)$': '<rootDir>/chaincode/src/contracts/$1/index.ts',
  '^@carbontrace/chaincode/testing$': '<rootDir>/chaincode/src/contracts/testing/case4-slot-fixture.ts',
};
module.exports = {
  // Global: jest ignores testTimeout inside a project. Unit tests finish in well under this; the
  // integration tests (real network) set their own, longer timeouts where a step needs it.
  testTimeout: 300000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/jest.unit-setup.js'],
      roots: ['<rootDir>/chaincode/src', '<rootDir>/gateway-client/src', '<rootDir>/bench/src'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper: chaincodeFromSource,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper: chaincodeFromSource,
    },
  ],
};
