// When messages are coloured: a terminal, no --no-color, and NO_COLOR unset or empty (no-color.org:
// "when present and not an empty string").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorEnabled } from '../src/print/color.ts';

test('NO_COLOR turns colour off only with a non-empty value; a pipe, TERM=dumb and --no-color always do', () => {
  const tty = { isTTY: true };
  assert.equal(colorEnabled(tty, {}, true), true);
  assert.equal(colorEnabled(tty, { NO_COLOR: '' }, true), true);
  assert.equal(colorEnabled(tty, { NO_COLOR: '1' }, true), false);
  assert.equal(colorEnabled(tty, { NO_COLOR: '0' }, true), false);
  assert.equal(colorEnabled(tty, {}, false), false);
  assert.equal(colorEnabled({ isTTY: false }, {}, true), false);
  assert.equal(colorEnabled(tty, { TERM: 'dumb' }, true), false);
});

test('colours are chalk 5 styles at level 1 when on, and the text unchanged when off', async () => {
  const { makeColors, prepareColors } = await import('../src/print/color.ts');
  // main() does this first when standard error is a terminal (chalk is loaded only then).
  await prepareColors(true);
  const on = makeColors(true);
  assert.equal(on.error('error:'), '\u001B[31merror:\u001B[39m');
  assert.equal(on.warn('warning:'), '\u001B[33mwarning:\u001B[39m');
  assert.equal(on.ok('ok'), '\u001B[32mok\u001B[39m');
  assert.equal(on.bold('b'), '\u001B[1mb\u001B[22m');
  // Every line coloured on its own, so no colour bleeds into a prefix of the next line.
  assert.equal(on.error('a\nb'), '\u001B[31ma\u001B[39m\n\u001B[31mb\u001B[39m');
  const off = makeColors(false);
  assert.equal(off.error('a\nb'), 'a\nb');
});
