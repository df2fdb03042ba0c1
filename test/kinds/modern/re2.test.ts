// Regexes are checked against RE2's syntax (Go regexp), which is what Istio compiles them with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { re2Problem } from '../../../src/core/kinds/modern/re2.ts';

const ok = ['^/api/v[0-9]+/.*$', 'a*?', 'a{2}', 'a{2,}', 'a{1,3}', '(?i)abc', '(?i:abc)', '(?P<n>a)', '(?<n>a)', '[[:alpha:]]', '\\d+\\.\\w', 'x{', '[]a]', '[^]a]', '(?:a|b)+', '\\pL\\p{Greek}', '\\Qa.b\\E', '\\x41\\x{263a}', '\\012', '[a-z0-9_-]', '.*\\.example\\.com$'];
for (const re of ok) test(`RE2 accepts ${re}`, () => assert.equal(re2Problem(re), undefined));

const bad: Array<[string, string]> = [
  ['(abc', 'missing closing ): `(abc`'],
  ['abc)', 'unexpected ): `abc)`'],
  ['*a', 'missing argument to repetition operator: `*`'],
  ['a|*', 'missing argument to repetition operator: `*`'],
  ['a**', 'invalid nested repetition operator: `**`'],
  ['[a-z', 'missing closing ]: `[a-z`'],
  ['[z-a]', 'invalid character class range: `z-a`'],
  ['[[:nope:]]', 'invalid character class range: `[:nope:]`'],
  ['(?=x)', 'invalid or unsupported Perl syntax: `(?=`'],
  ['(?!x)', 'invalid or unsupported Perl syntax: `(?!`'],
  ['(?<=x)', 'invalid named capture: `(?<=x)`'],
  ['(?P=n)', 'invalid or unsupported Perl syntax: `(?P`'],
  ['(?<a-b>x)', 'invalid named capture: `(?<a-b>`'],
  ['\\1', 'invalid escape sequence: `\\1`'],
  ['\\e', 'invalid escape sequence: `\\e`'],
  ['a{2,1}', 'invalid repeat count: `{2,1}`'],
  ['a{1001}', 'invalid repeat count: `{1001}`'],
  ['\\', 'trailing backslash at end of expression: ``'],
];
for (const [re, msg] of bad) test(`RE2 refuses ${re}`, () => assert.equal(re2Problem(re), `error parsing regexp: ${msg}`));
