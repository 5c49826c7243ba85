module.exports = { ...require('../../jest.preset.cjs'), displayName: 'dsb-common', rootDir: __dirname };
