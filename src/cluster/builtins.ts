// Node's http, https and http2 modules, loaded when a connection needs them: a command over
// HTTP/2 never loads https or http (~4 ms of start-up), one over HTTP/1.1 never loads http2.
// (A dynamic import() of a built-in does not work in the bundle, which runs through vm.Script;
// a require made here does, in the bundle and under tsx alike.)
import { createRequire } from 'node:module';

const load = createRequire('/');
const cache = new Map<string, unknown>();

function builtin<T>(id: string): () => T {
  return () => {
    let m = cache.get(id) as T | undefined;
    if (m === undefined) cache.set(id, (m = load(id) as T));
    return m;
  };
}

export const nodeHttp = builtin<typeof import('node:http')>('node:http');
export const nodeHttps = builtin<typeof import('node:https')>('node:https');
export const nodeHttp2 = builtin<typeof import('node:http2')>('node:http2');
