// The root runs every package's tests as one jest invocation (one worker pool, one summary). Each package folder
// holds a jest.config.cjs built on jest.preset.cjs.
const fs = require('node:fs');
const path = require('node:path');
const projects = ['libs', 'services', 'examples', 'tools']
  .flatMap((d) => (fs.existsSync(path.join(__dirname, d)) ? fs.readdirSync(path.join(__dirname, d)).map((p) => path.join(d, p)) : []))
  .concat(['scripts'])
  .filter((p) => fs.existsSync(path.join(__dirname, p, 'jest.config.cjs')))
  .map((p) => `<rootDir>/${p}`);
// testTimeout is a global option (ignored in projects): opening the embedded database alone passed 5 s on a busy machine.
module.exports = { projects, testTimeout: 30_000 };
