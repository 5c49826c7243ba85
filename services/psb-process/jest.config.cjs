module.exports = { ...require('../../jest.preset.cjs'), displayName: 'psb-process', rootDir: __dirname };
