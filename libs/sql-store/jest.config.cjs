module.exports = { ...require('../../jest.preset.cjs'), displayName: 'sql-store', rootDir: __dirname };
