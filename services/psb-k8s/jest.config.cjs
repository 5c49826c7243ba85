module.exports = { ...require('../../jest.preset.cjs'), displayName: 'psb-k8s', rootDir: __dirname };
