/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    // Some dependencies ship ES modules only (Node 20 can require() them, jest cannot): compile those.
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The deployment suite needs the mini-cloud (scripts/test.sh runs it as a separate stage); the real-VM tier needs a
  // built image (npm run test:realvm).
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/deployment/', '<rootDir>/test/realvm/'],
  testTimeout: 30000,
};
