// Preloaded with `node --import`: records every module URL the process loads into the file named
// by EGRESSCTL_TRACE_IMPORTS (one per line), so a test can see what a command pulled in.
import { register } from 'node:module';

if (process.env.EGRESSCTL_TRACE_IMPORTS) {
  register('./trace-imports-hooks.mjs', import.meta.url, { data: { file: process.env.EGRESSCTL_TRACE_IMPORTS } });
}
