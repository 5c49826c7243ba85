module.exports = { ...require('../../jest.preset.cjs'), displayName: 'psb-common', rootDir: __dirname };
