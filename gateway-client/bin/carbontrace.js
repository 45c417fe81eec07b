#!/usr/bin/env node
// The `carbontrace` command. This file is committed (so npm links the bin during `npm ci`, before
// `prepare` has built dist/) and loads the compiled CLI.
'use strict';
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write(`carbontrace: ${main} is not built yet; run: npm run build\n`);
  process.exit(1);
}
require(main);
