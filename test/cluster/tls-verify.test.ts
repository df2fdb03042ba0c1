// The quick check of the server's certificate chain (src/cluster/tls-verify.ts): it may only say
// yes to chains OpenSSL accepts too, and says no (the caller then lets OpenSSL decide) to anything
// outside the shape it knows. Certificates made here with openssl.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CA_EXT, Pki, SERVER_EXT, dateIn, der, hasOpenssl, type Issued } from '../helpers/pki.ts';
import { readCaBundle, parseAnchors, parseCertificate, verifyChain } from '../../src/cluster/tls-verify.ts';

describe('verifyChain', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  let pki: Pki;
  let root: Issued;
  let other: Issued;
  let inter: Issued;
  let leaf: Issued;
  before(() => {
    pki = new Pki();
    root = pki.issue('root', { ext: CA_EXT });
    other = pki.issue('other-root', { ext: CA_EXT });
    inter = pki.issue('inter', { issuer: root, ext: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'] });
    leaf = pki.issue('leaf', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1,DNS:localhost') });
  });

  const anchors = (...c: Issued[]) => parseAnchors(c.map((x) => x.cert).join('\n'));
  const chain = (...c: Issued[]) => c.map((x) => der(x.cert));
  const no = (v: ReturnType<typeof verifyChain>, why: RegExp) => {
    assert.equal(v.ok, false);
    assert.match((v as { why: string }).why, why);
  };

  test('a server certificate issued by the CA: yes', () => {
    assert.deepEqual(verifyChain(chain(leaf), anchors(root)), { ok: true });
  });

  test('another CA: no', () => {
    no(verifyChain(chain(leaf), anchors(other)), /no path/);
  });

  test('the CA bundle holding another CA too: yes (any of its certificates may anchor)', () => {
    assert.deepEqual(verifyChain(chain(leaf), anchors(other, root)), { ok: true });
  });

  test('expired, or not yet valid, the server certificate or the CA: no', () => {
    const now = Date.now();
    no(verifyChain(chain(leaf), anchors(root), now + 2 * 365 * 86400_000), /expired/);
    no(verifyChain(chain(leaf), anchors(root), now - 2 * 3600_000), /not yet valid/);
    const old = pki.issue('old', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1'), start: dateIn(-20 * 86400_000), end: dateIn(-86400_000) });
    no(verifyChain(chain(old), anchors(root)), /expired/);
    const oldRoot = pki.issue('old-root', { ext: CA_EXT, start: dateIn(-20 * 86400_000), end: dateIn(-86400_000) });
    const underOld = pki.issue('under-old', { issuer: oldRoot, ext: SERVER_EXT('IP:127.0.0.1') });
    no(verifyChain(chain(underOld), anchors(oldRoot)), /expired/);
  });

  test('through an intermediate CA, sent by the server or in the bundle: yes; missing: no', () => {
    const viaInter = pki.issue('via-inter', { issuer: inter, ext: SERVER_EXT('IP:127.0.0.1') });
    assert.deepEqual(verifyChain(chain(viaInter, inter), anchors(root)), { ok: true });
    assert.deepEqual(verifyChain(chain(viaInter), anchors(root, inter)), { ok: true });
    no(verifyChain(chain(viaInter), anchors(root)), /no path/);
    // The intermediate alone is no anchor (it is not self-signed; OpenSSL wants the root too).
    no(verifyChain(chain(viaInter, inter), anchors(inter)), /no path/);
  });

  test('a path length constraint exceeded: no', () => {
    const inter2 = pki.issue('inter2', { issuer: inter, ext: CA_EXT });
    const deep = pki.issue('deep', { issuer: inter2, ext: SERVER_EXT('IP:127.0.0.1') });
    no(verifyChain(chain(deep, inter2, inter), anchors(root)), /path length/);
  });

  test('issued by a certificate that is not a CA: no', () => {
    const fake = pki.issue('fake', { issuer: leaf, ext: SERVER_EXT('IP:127.0.0.1') });
    no(verifyChain(chain(fake, leaf), anchors(root)), /CA:TRUE|no path/);
  });

  test('a server certificate not for TLS servers: no', () => {
    const client = pki.issue('client', { issuer: root, ext: ['extendedKeyUsage=clientAuth', 'subjectAltName=IP:127.0.0.1'] });
    no(verifyChain(chain(client), anchors(root)), /serverAuth/);
    const signOnly = pki.issue('sign-only', { issuer: root, ext: ['keyUsage=critical,keyCertSign', 'subjectAltName=IP:127.0.0.1'] });
    no(verifyChain(chain(signOnly), anchors(root)), /keyUsage/);
  });

  test('what the check does not know goes to OpenSSL: an unknown critical extension, a small RSA key, SHA-1, name constraints', () => {
    const crit = pki.issue('crit', { issuer: root, ext: [...SERVER_EXT('IP:127.0.0.1'), '1.2.3.4=critical,ASN1:UTF8String:x'] });
    no(verifyChain(chain(crit), anchors(root)), /critical extension 1\.2\.3\.4/);
    const rsa = pki.issue('rsa1024', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1'), key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] });
    no(verifyChain(chain(rsa), anchors(root)), /RSA key of 1024 bits/);
    const sha1 = pki.issue('sha1', { issuer: root, ext: SERVER_EXT('IP:127.0.0.1'), md: 'sha1' });
    no(verifyChain(chain(sha1), anchors(root)), /signature algorithm 1\.2\.840\.10045\.4\.1/);
    const nc = pki.issue('nc-root', { ext: [...CA_EXT, 'nameConstraints=critical,permitted;IP:10.0.0.0/255.0.0.0'] });
    const underNc = pki.issue('under-nc', { issuer: nc, ext: SERVER_EXT('IP:127.0.0.1') });
    no(verifyChain(chain(underNc), anchors(nc)), /2\.5\.29\.30/);
  });

  test('the server certificate itself in the bundle (pinned), or no certificate: no', () => {
    no(verifyChain(chain(leaf), anchors(leaf, root)), /itself/);
    no(verifyChain([], anchors(root)), /no certificate/);
    no(verifyChain(chain(leaf), []), /no usable/);
  });

  test('bytes that are not a certificate: no, never an exception', () => {
    no(verifyChain([Buffer.from('garbage')], anchors(root)), /cannot read/);
    const d = der(leaf.cert);
    no(verifyChain([d.subarray(0, d.length - 10)], anchors(root)), /cannot read/);
  });

  test('parseCertificate reads what the checks use', () => {
    const c = parseCertificate(der(inter.cert));
    assert.equal(c.version, 3);
    assert.deepEqual(c.basic, { ca: true, pathLen: 0 });
    assert.equal(c.keyUsage, 0x04);
    assert.equal(c.signatureOid, '1.2.840.10045.4.3.2');
    assert.ok(c.notBefore < Date.now() && Date.now() < c.notAfter);
    const l = parseCertificate(der(leaf.cert));
    assert.deepEqual(l.extKeyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(l.basic?.ca, false);
  });

  test('readCaBundle: garbage in a CA bundle is said as such; a good one gives the anchors parseAnchors gives', () => {
    const problem = (pem: string) => {
      const r = readCaBundle(Buffer.from(pem), 'the CA');
      return 'problem' in r ? r.problem : undefined;
    };
    const good = readCaBundle(Buffer.from(root.cert), 'the CA');
    assert.ok('anchors' in good);
    assert.deepEqual(good.anchors.map((a) => a.x509.fingerprint256), parseAnchors(root.cert).map((a) => a.x509.fingerprint256));
    assert.equal(good.anchors.length, 1);
    assert.match(problem('hello')!, /^cannot parse the CA: it holds no PEM certificate/);
    assert.match(problem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')!, /certificate 1 of 1 is not a valid X\.509 certificate/);
  });
});
