#!/usr/bin/env node
'use strict';
// The `clickvnfm` command: runs the compiled CLI (npm run build writes dist/).
require('../dist/src/cli/index.js')
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`clickvnfm: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(2);
  });
