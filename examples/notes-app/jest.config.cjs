module.exports = { ...require('../../jest.preset.cjs'), displayName: 'notes-app', rootDir: __dirname };
