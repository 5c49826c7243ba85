#!/usr/bin/env node
// The kit is TypeScript run through tsx (as every tool of this repository): register it, then run the CLI.
require('tsx/cjs');
require('../src/cli.ts');
