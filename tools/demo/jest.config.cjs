// The end-to-end run takes minutes on the shared two-core machine: one test, one long timeout.
module.exports = require('../../jest.preset.cjs').projectConfig(__dirname, { testTimeout: 1_200_000 });
