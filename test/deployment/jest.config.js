/**
 * The deployment suite: the VNFM on the project's mini-cloud (test/minicloud). scripts/test.sh runs it after the
 * rest.
 */
const base = require('../../jest.config.js');
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/deployment'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 300000,
  maxWorkers: 1,
};
