// The floors of bench/startup.mjs: the least a Node program does for the same work, with nothing
// of egressctl (no CLI, no validation rules, no injection):
//   validate FILE      read the file, parse every YAML document with js-yaml, print a count
//   inject FILE        read the file, parse every document and dump it again with js-yaml
// CommonJS and js-yaml's own CommonJS build, so that no ES module loader is started.
'use strict';
const { readFileSync, writeSync } = require('node:fs');
const yaml = require('js-yaml');

const [mode, file] = process.argv.slice(2);
const docs = [];
yaml.loadAll(readFileSync(file, 'utf8'), (d) => docs.push(d));
if (mode === 'inject') writeSync(1, docs.map((d) => yaml.dump(d, { noArrayIndent: true, lineWidth: -1, noRefs: true })).join('---\n'));
else writeSync(1, `${docs.length} objects checked\n`);
