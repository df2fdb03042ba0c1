// Preloaded with `node --require`: records every module the process asks for (the request and
// what it resolved to) in the file named by EGRESSCTL_TRACE_REQUIRES, one per line.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const file = process.env.EGRESSCTL_TRACE_REQUIRES;
if (file) {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    let resolved = request;
    try {
      resolved = Module._resolveFilename(request, parent, isMain);
    } catch {}
    fs.appendFileSync(file, `${request}\t${resolved}\n`);
    return load.apply(this, arguments);
  };
}
