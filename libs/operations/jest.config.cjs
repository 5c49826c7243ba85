module.exports = { ...require('../../jest.preset.cjs'), displayName: 'operations', rootDir: __dirname };
