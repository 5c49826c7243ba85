module.exports = { ...require('../../jest.preset.cjs'), displayName: 'dsb-fs', rootDir: __dirname };
