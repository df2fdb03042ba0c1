import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from './helpers/run.ts';

function bashComplete(script: string, words: string[]): string[] {
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _egressctl; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash completion completes commands and their flags', async (t) => {
  if (spawnSync('bash', ['--version']).status !== 0) return t.skip('bash is not installed');
  const { stdout, code } = await runCli(['completion', 'bash']);
  assert.equal(code, 0);
  assert.deepEqual(bashComplete(stdout, ['egressctl', 'val']), ['validate']);
  assert.deepEqual(bashComplete(stdout, ['egressctl', 'validate', '--str']), ['--strict']);
  assert.ok(bashComplete(stdout, ['egressctl', '']).includes('completion'));
});

test('fish completion names every command; an unknown shell is a usage error', async () => {
  const { stdout } = await runCli(['completion', 'fish']);
  assert.match(stdout, /-a validate -d 'check config files offline/);
  assert.match(stdout, /__fish_seen_subcommand_from validate' -l filename -s f -r -F/);
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef egressctl\n/);
  const bad = await runCli(['completion', 'powershell']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unsupported shell "powershell": use bash, zsh or fish/);
});
