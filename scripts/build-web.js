'use strict';
// Bundles the operator console (src/web/client) into dist/web when it exists. No-op otherwise.
const { existsSync } = require('node:fs');
const path = require('node:path');
const entry = path.join(__dirname, '..', 'src', 'web', 'client', 'main.ts');
if (!existsSync(entry)) process.exit(0);
require('esbuild')
  .build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    outdir: path.join(__dirname, '..', 'dist', 'web'),
    loader: { '.css': 'css' },
    logLevel: 'warning',
  })
  .then(() =>
    require('node:fs').copyFileSync(
      path.join(__dirname, '..', 'src', 'web', 'index.html'),
      path.join(__dirname, '..', 'dist', 'web', 'index.html'),
    ),
  )
  .catch(() => process.exit(1));
