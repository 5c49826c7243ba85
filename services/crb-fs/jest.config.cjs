module.exports = { ...require('../../jest.preset.cjs'), displayName: 'crb-fs', rootDir: __dirname };
