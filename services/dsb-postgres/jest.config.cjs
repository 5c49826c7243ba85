module.exports = { ...require('../../jest.preset.cjs'), displayName: 'dsb-postgres', rootDir: __dirname };
