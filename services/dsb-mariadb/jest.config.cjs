module.exports = { ...require('../../jest.preset.cjs'), displayName: 'dsb-mariadb', rootDir: __dirname };
