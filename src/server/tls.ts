// The serving certificate: a CA and a certificate for 127.0.0.1, ::1 and localhost made with the
// openssl CLI (kept in the data directory and reused), or files given with --tls-cert/--tls-key.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CommandError } from '../core/errors.ts';
import { fsError } from '../io/fs-errors.ts';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  /** What clients should trust (the CA, or the given certificate chain). */
  ca: Buffer;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new CommandError('cannot make a serving certificate: the openssl command was not found; install openssl, pass --tls-cert and --tls-key, or use --insecure-http');
    }
    throw new CommandError(`cannot make a serving certificate: openssl ${args[0]} failed: ${err.stderr?.toString().trim().split('\n')[0] ?? err.message}`);
  }
}

/** Makes (once) a CA and a serving certificate in `dir`; returns them. */
export function ensureCertificates(dir: string): TlsMaterial {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = ['ca.crt', 'server.crt', 'server.key'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=egressctl-local-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=egressctl-local'], dir);
    writeFileSync(join(dir, 'server.ext'), [
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'));
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-days', '825', '-sha256', '-extfile', 'server.ext', '-out', 'server.crt'], dir);
    for (const f of ['ca.key', 'server.key']) chmodSync(join(dir, f), 0o600);
  }
  return { ca: readFileSync(files[0]), cert: readFileSync(files[1]), key: readFileSync(files[2]) };
}

export function loadCertificates(certFile: string, keyFile: string, shown: { cert: string; key: string } = { cert: certFile, key: keyFile }): TlsMaterial {
  const read = (f: string, flag: string, as: string) => {
    try {
      return readFileSync(f);
    } catch (e) {
      throw fsError(flag, as, e, undefined, { ENOENT: 'no such file' });
    }
  };
  const cert = read(certFile, '--tls-cert', shown.cert);
  const key = read(keyFile, '--tls-key', shown.key);
  // The kubeconfig trusts the given chain: a self-signed certificate, or a chain that ends at its CA.
  return { cert, key, ca: cert };
}
