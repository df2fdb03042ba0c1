// The differential conformance suite (issue 12 §2): every step of steps-*.ts runs against the real
// kube-apiserver (test/kube-apiserver, v1.33 on an embedded etcd) and against `egressctl serve`, in
// order, and the normalised answers must be equal; a step marked `known` must still differ (its
// reason is in README's "Differences from a real API server"). Skips, saying why, when the real
// server cannot be built here. Run `npm run build` first (egressctl steps run the built CLI).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlSkipReason } from '../helpers/server.ts';
import { realServerSkipReason } from '../helpers/cluster.ts';
import { startReal, startServe, type Step, type Target } from './harness.ts';
import { API_STEPS } from './steps-api.ts';
import { BUILTIN_STEPS } from './steps-builtin.ts';
import { CLI_STEPS } from './steps-cli.ts';

/** Keys sorted, so a diff of two dumps shows what differs, not the order (deepStrictEqual ignores it too). */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}

const STEPS: Step[] = [...API_STEPS, ...BUILTIN_STEPS, ...CLI_STEPS];

const skip = realServerSkipReason();
const noKubectl = skip ? false : kubectlSkipReason();

describe('serve against the real kube-apiserver, step by step', { skip }, () => {
  let real: Target;
  let serve: Target;
  before(async () => {
    [real, serve] = await Promise.all([startReal(), startServe()]);
  });
  after(async () => {
    await Promise.all([real?.stop(), serve?.stop()]);
  });

  for (const [i, step] of STEPS.entries()) {
    const title = `${String(i + 1).padStart(3, '0')} ${step.name}${step.known ? ' [known difference]' : ''}`;
    test(title, { skip: step.kubectl ? noKubectl : false }, async () => {
      // Both at once: each server has its own directory, files and kubectl cache (harness.ts).
      const [r, s] = await Promise.all([step.run(real), step.run(serve)]);
      const [expected, actual] = step.project ? step.project(r, s) : [r, s];
      // CONFORMANCE_DUMP=DIR keeps both answers of every step, to diff by hand.
      if (process.env.CONFORMANCE_DUMP) {
        mkdirSync(process.env.CONFORMANCE_DUMP, { recursive: true });
        for (const [which, o] of [['real', expected], ['serve', actual]] as const) writeFileSync(join(process.env.CONFORMANCE_DUMP, `${String(i + 1).padStart(3, '0')}.${which}.json`), JSON.stringify(sorted(o), null, 2) + '\n');
      }
      if (step.known) {
        assert.notDeepStrictEqual(actual, expected, `serve now answers as the real server: drop "known" from this step and its line in README (${step.known})`);
        return;
      }
      assert.deepStrictEqual(actual, expected);
    });
  }
});
