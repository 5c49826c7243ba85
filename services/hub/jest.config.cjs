module.exports = { ...require('../../jest.preset.cjs'), displayName: 'hub', rootDir: __dirname };
