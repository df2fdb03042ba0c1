// The run's real kube-apiserver, started by scripts/test.mjs beside the test files:
//
//   node --import tsx test/helpers/shared-kube-apiserver.ts INFO_FILE
//
// starts it (startKubeApiserver: the CRDs of every stored kind, the audit log), notes what a fresh
// server holds (reset() goes back to it), and writes INFO_FILE (JSON: url, kubeconfig, token, dir,
// logFile, auditLog, baseline; or {error}) in one rename, so a reader never sees half of it. The
// test files' suites take turns on the server (test/helpers/cluster.ts). It stops the server when
// told (SIGTERM, SIGINT) or when its stdin closes: scripts/test.mjs holds the other end, so a
// runner that dies takes the server with it.
import { renameSync, writeFileSync } from 'node:fs';
import { baselineOf, startKubeApiserver, type KubeApiserver } from './kube-apiserver.ts';

const infoFile = process.argv[2];
if (!infoFile) {
  process.stderr.write('usage: node --import tsx test/helpers/shared-kube-apiserver.ts INFO_FILE\n');
  process.exit(2);
}

function write(info: object): void {
  writeFileSync(`${infoFile}.tmp`, JSON.stringify(info));
  renameSync(`${infoFile}.tmp`, infoFile);
}

let server: KubeApiserver | undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // While it starts, the start below stops it once it is up (a server stopped half-started leaves its etcd directory).
  if (server) {
    await server.stop();
    process.exit(0);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

try {
  server = await startKubeApiserver();
  const baseline = await baselineOf(server);
  const { url, kubeconfig, token, dir, logFile, auditLog } = server;
  write({ url, kubeconfig, token, dir, logFile, auditLog, baseline: [...baseline] });
  if (stopping) {
    await server.stop();
    process.exit(0);
  }
} catch (e) {
  write({ error: (e as Error).message });
  process.exit(1);
}
