#!/usr/bin/env node
// Shim: loads the bundled entry point and nothing else (see scripts/build.mjs).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
