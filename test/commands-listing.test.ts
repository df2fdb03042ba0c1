// Only the command that runs is registered in full; the others are listed from their catalog entry
// (src/commands/catalog.ts, listing.ts). The listing must say what the full registration says: the same
// top-level help, and for every command the same name, description, arguments and "has flags".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli.ts';
import { CATALOG } from '../src/commands/catalog.ts';

const io = () => ({ stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: process.cwd() });
const shape = (c: Command) => ({
  name: c.name(),
  description: c.description(),
  args: c.registeredArguments.map((a) => `${a.required ? '<' : '['}${a.name()}${a.variadic ? '...' : ''}${a.required ? '>' : ']'}`).join(' '),
  flags: c.options.length > 0,
});

test('each catalog entry says what its full registration says', () => {
  const full = buildProgram(io());
  assert.deepEqual(full.commands.map((c) => c.name()), CATALOG.map((c) => c.name));
  for (const c of full.commands) {
    const info = CATALOG.find((x) => x.name === c.name())!;
    assert.deepEqual(shape(c), { name: info.name, description: info.description, args: info.args ?? '', flags: info.flags });
  }
});

test('the top-level help is the same with every command built and with none; a command that runs is built alone, in full', () => {
  const help = buildProgram(io()).helpInformation();
  assert.equal(buildProgram(io(), '').helpInformation(), help);
  // An unknown command (the listing and its suggestions show): every command listed.
  assert.equal(buildProgram(io(), 'kube-injetc').helpInformation(), help);
  assert.deepEqual(buildProgram(io(), 'kube-injetc').commands.map(shape), buildProgram(io()).commands.map(shape));
  for (const info of CATALOG) {
    const p = buildProgram(io(), info.name);
    assert.deepEqual(p.commands.map((c) => c.name()), [info.name]);
    // All its flags (more than the listing's one hidden placeholder), as with every command built.
    const built = p.commands[0]!;
    assert.ok(!info.flags || built.options.some((o) => !o.hidden), info.name);
    assert.deepEqual(shape(built), shape(buildProgram(io()).commands.find((c) => c.name() === info.name)!), info.name);
  }
});
