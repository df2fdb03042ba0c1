import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { splitDocuments, parseStream, DocumentSplitter } from '../src/core/stream.ts';

const seed = readFileSync(new URL('../fixtures/seed/wikipedia-rules.yaml', import.meta.url), 'utf8');

test('the seed heredoc is five documents starting at their kind lines', () => {
  const docs = splitDocuments(seed);
  assert.deepEqual(docs.map((d) => [d.index, d.line]), [[1, 1], [2, 11], [3, 21], [4, 31], [5, 41]]);
  const { documents, problems } = parseStream('rules.yaml', seed);
  assert.deepEqual(problems, []);
  assert.deepEqual(documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name),
    ['wikipedia-range1', 'wikipedia-range2', 'wikipedia-range3', 'wikipedia-range4', 'wikipedia-range5']);
});

test('raw text of each document joins back to the stream', () => {
  const text = 'a: 1 # keep\n---\n# only a comment\n---\nb: 2\r\n--- # marker note\nc: 3\n';
  const docs = splitDocuments(text);
  assert.equal(docs.map((d) => (d.marker !== undefined ? d.marker + '\n' : '') + d.raw).join(''), text);
  assert.deepEqual(docs.map((d) => d.hasContent), [true, false, true, true]);
  assert.deepEqual(docs.map((d) => d.index), [1, 0, 2, 3]);
});

test('splitting is the same whatever the chunk boundaries', () => {
  const whole = splitDocuments(seed);
  for (const size of [1, 2, 7, 64]) {
    const s = new DocumentSplitter();
    const got = [];
    for (let i = 0; i < seed.length; i += size) got.push(...s.push(seed.slice(i, i + size)));
    got.push(...s.end());
    assert.deepEqual(got, whole, `chunk size ${size}`);
  }
});

test('BOM, CRLF, anchors and merge keys are read', () => {
  const { documents, problems } = parseStream('x.yaml', '\ufeffbase: &b {port: 443}\r\nuse:\r\n  <<: *b\r\n  protocol: tcp\r\n');
  assert.deepEqual(problems, []);
  assert.deepEqual(documents[0].value, { base: { port: 443 }, use: { port: 443, protocol: 'tcp' } });
});

test('a List is expanded into its items, each with its position', () => {
  const { documents } = parseStream('l.json', '{"kind":"List","items":[{"kind":"A"},{"kind":"B"}]}');
  assert.deepEqual(documents.map((d) => [d.item, (d.value as { kind: string }).kind]), [[1, 'A'], [2, 'B']]);
});

test('hostile input is refused with a problem at its place', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['a: 1\na: 2\n', /duplicate key "a"/, 2],
    ['__proto__: {polluted: true}\n', /__proto__/, 1],
    ['x: "\u0000"\n', /binary data/, 1],
    ['a: [1, 2\n', /YAML syntax error/, 2],
    ['[' .repeat(500) + ']'.repeat(500) + '\n', /nested too deeply/, 1],
  ];
  for (const [text, re, line] of cases) {
    const { problems } = parseStream('bad.yaml', text);
    assert.equal(problems.length, 1, text.slice(0, 20));
    assert.match(problems[0].message, re);
    assert.equal(problems[0].place.line, line, text.slice(0, 20));
  }
});

test('an alias bomb is refused, not expanded', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  const { problems } = parseStream('bomb.yaml', text);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /alias bomb/);
});

test('an error at the end of input without a final newline is placed on its last line', () => {
  for (const [text, line, column] of [['"', 1, 2], ['a: [', 1, 5], ['a: 1\nb: "', 2, 5], ['x: 1\n---\n"', 3, 2]] as const) {
    const { problems } = parseStream('p.yaml', text);
    assert.equal(problems.length, 1, text);
    assert.deepEqual([problems[0].place.line, problems[0].place.column], [line, column], JSON.stringify(text));
  }
});

test('pendingPlace names the document of a line still being read when it has content (a huge one-line document arrives in pieces)', () => {
  const s = new DocumentSplitter();
  s.push('kind: EgressRule\nmetadata: {name: a}\n---\nx: "aaaa');
  assert.deepEqual(s.pendingPlace, { document: 2, line: 4 });
  const t = new DocumentSplitter();
  t.push('a: 1\n---\n# only a comment so far, still being rea');
  assert.deepEqual(t.pendingPlace, { line: 3 });
  const u = new DocumentSplitter();
  u.push('--- "a marker line with content');
  assert.deepEqual(u.pendingPlace, { line: 1 });
});
