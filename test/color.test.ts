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
