// Test certificates made with the openssl CLI: certificate authorities, intermediates and server
// certificates with chosen names, dates, key usages and extensions, for the TLS verification tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from './tmp.ts';
import { join } from 'node:path';

export const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

export interface Issued {
  name: string;
  /** PEM of the certificate. */
  cert: string;
  /** PEM of its private key. */
  key: string;
  certFile: string;
  keyFile: string;
}

export interface CertOptions {
  /** openssl -subj, default /CN=<name> */
  subject?: string;
  /** The issuer; none: self-signed. */
  issuer?: Issued;
  /** Extensions, one per line in openssl's x509v3 config syntax. */
  ext?: string[];
  /** YYYYMMDDHHMMSSZ; default: an hour ago. */
  start?: string;
  /** YYYYMMDDHHMMSSZ; default: in a year. */
  end?: string;
  /** openssl genpkey arguments; default EC P-256. */
  key?: string[];
  /** The signature's digest; default sha256. */
  md?: string;
}

export const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];
export const SERVER_EXT = (san: string) => ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', `subjectAltName=${san}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function dateIn(ms: number): string {
  return stamp(new Date(Date.now() + ms));
}

/** A directory of certificates; each made with `issue`. */
export class Pki {
  readonly dir = tempDir('egressctl-pki-');
  private serial = 1;

  constructor() {
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'ca.cnf'), [
      '[ca]', 'default_ca = d', '[d]', `dir = ${this.dir}`, `database = ${this.dir}/index.txt`, `new_certs_dir = ${this.dir}`, `serial = ${this.dir}/serial`,
      'default_md = sha256', 'policy = p', 'unique_subject = no', 'copy_extensions = none', 'email_in_dn = no', '[p]', 'commonName = supplied', '',
    ].join('\n'));
  }

  issue(name: string, o: CertOptions = {}): Issued {
    const d = this.dir;
    const keyFile = join(d, `${name}.key`);
    const csr = join(d, `${name}.csr`);
    const certFile = join(d, `${name}.crt`);
    const ext = join(d, `${name}.ext`);
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: ['ignore', 'pipe', 'pipe'] });
    run(['genpkey', ...(o.key ?? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-out', keyFile]);
    run(['req', '-new', '-key', keyFile, '-subj', o.subject ?? `/CN=${name}`, '-out', csr]);
    writeFileSync(ext, `[x]\n${(o.ext ?? []).join('\n')}\n`);
    writeFileSync(join(d, 'serial'), `${(this.serial++).toString(16).padStart(4, '0')}\n`);
    const issuer = o.issuer;
    run([
      'ca', '-batch', '-config', join(d, 'ca.cnf'), '-notext', '-in', csr, '-out', certFile, '-extfile', ext, '-extensions', 'x',
      '-md', o.md ?? 'sha256', '-startdate', o.start ?? dateIn(-3600_000), '-enddate', o.end ?? dateIn(365 * 86400_000),
      ...(issuer ? ['-cert', issuer.certFile, '-keyfile', issuer.keyFile] : ['-selfsign', '-keyfile', keyFile]),
    ]);
    return { name, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
  }
}

/** DER of a PEM certificate. */
export function der(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
