// Terminal escape sequences in input are never echoed raw: every message quoting input escapes
// control characters (a name holding `ESC ]0;...BEL` would retitle the terminal, `ESC [2J` clear it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeCell, escapeControl } from '../src/print/escape.ts';
import { formatTable } from '../src/print/table.ts';
import { runCli } from './helpers/run.ts';

const ESC = '\x1b';
const HOSTILE = `${ESC}]0;pwned\x07${ESC}[2J`;
// The same, as a YAML double-quoted escape (raw control characters in a file are refused as binary).
const HOSTILE_YAML = '\\e]0;pwned\\a\\e[2J';

test('escapeControl writes C0, DEL, C1 and bidi overrides as escapes; keeps tabs and newlines', () => {
  assert.equal(escapeControl(`a${HOSTILE}b`), 'a\\x1b]0;pwned\\x07\\x1b[2Jb');
  assert.equal(escapeControl('x\ty\nz\x7f\x9b\u202e'), 'x\ty\nz\\x7f\\x9b\\u202e');
  assert.equal(escapeControl('plain ünïcode ✓'), 'plain ünïcode ✓');
  assert.equal(escapeCell('a\nb\tc'), 'a\\nb\\tc');
  assert.equal(formatTable([['NAME'], [`x${ESC}[2J`]]), 'NAME\nx\\x1b[2J\n');
});

function noRawControl(s: string, what: string) {
  assert.doesNotMatch(s, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `${what} holds a raw control character: ${JSON.stringify(s)}`);
}

test('validate: hostile domains, field names and file names are escaped in every message', async () => {
  const doc = [
    'kind: EgressRule',
    'metadata:',
    '  name: ok',
    `  "colour${HOSTILE_YAML}": red`,
    'spec:',
    '  destination:',
    `    service: "evil${HOSTILE_YAML}.com"`,
    '  ports:',
    '  - port: 80',
    '    protocol: http',
  ].join('\n');
  const r = await runCli(['validate', '-f', '-'], { stdin: doc });
  assert.equal(r.code, 1);
  noRawControl(r.stderr, 'stderr');
  assert.match(r.stderr, /unknown field "metadata\.colour\\x1b\]0;pwned\\x07\\x1b\[2J"/);
  // Istio's message quotes the domain as Go's %q does (`\a` for BEL): no raw control character either way.
  assert.match(r.stderr, /domain name "evil\\x1b\]0;pwned\\a\\x1b\[2J\.com" invalid/);
  const f = await runCli(['validate', '-f', `missing${HOSTILE}.yaml`]);
  assert.equal(f.code, 1);
  noRawControl(f.stderr, 'stderr');
  assert.match(f.stderr, /missing\\x1b\]0;pwned/);
});

test('kube-inject: a skip warning quoting a hostile annotation value is escaped', async () => {
  const doc = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: web`,
    '  annotations:',
    `    sidecar.istio.io/inject: "no${HOSTILE_YAML}"`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: c',
    '        image: nginx',
  ].join('\n');
  const r = await runCli(['kube-inject', '-f', '-'], { stdin: doc });
  assert.equal(r.code, 0, r.stderr);
  noRawControl(r.stderr, 'stderr');
  assert.match(r.stderr, /\\x1b\[2J/);
});

test('usage errors quoting an argument are escaped too', async () => {
  const r = await runCli(['get', `egress${HOSTILE}`]);
  assert.notEqual(r.code, 0);
  noRawControl(r.stderr, 'stderr');
  assert.match(r.stderr, /egress\\x1b/);
  const u = await runCli(['validate', `--fl${HOSTILE}`]);
  assert.equal(u.code, 2);
  noRawControl(u.stderr, 'stderr');
});
