// egressctl apply -f FILE|-: create what is missing, update what differs, and say `unchanged` for
// the rest; running it twice changes nothing the second time.

import type { Command } from 'commander';
import { canonicalEqual } from '../core/compare.ts';
import type { EgressRuleObject } from '../core/egressrule.ts';
import type { ClusterClient, StoredEgressRule } from '../cluster/client.ts';
import { ApiError } from '../cluster/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter, yamlOf, type ResultPrinter } from '../print/objects.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { addWriteOptions, openCluster, readRules, runBatch, withNamespace } from './cluster-support.ts';
import { completeWrite, printClientDryRun, validateWrite, type WriteCommandOptions } from './create.ts';

function subsetEqual(want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(want ?? {})) if (have?.[k] !== v) return false;
  return true;
}

/** Whether the stored object already is what the input asks for. */
export function isUnchanged(stored: StoredEgressRule, want: EgressRuleObject): boolean {
  return (
    canonicalEqual(stored.spec, want.spec) &&
    subsetEqual(want.metadata.labels, stored.metadata.labels) &&
    subsetEqual(want.metadata.annotations, stored.metadata.annotations)
  );
}

/** The stored object with the input's spec, labels and annotations (others' labels are kept). */
export function merged(stored: StoredEgressRule, want: EgressRuleObject): EgressRuleObject {
  const metadata = { ...stored.metadata } as EgressRuleObject['metadata'] & Record<string, unknown>;
  if (want.metadata.labels) metadata.labels = { ...(stored.metadata.labels ?? {}), ...want.metadata.labels };
  if (want.metadata.annotations) metadata.annotations = { ...(stored.metadata.annotations ?? {}), ...want.metadata.annotations };
  metadata.resourceVersion = want.metadata.resourceVersion ?? stored.metadata.resourceVersion;
  return { apiVersion: want.apiVersion, kind: want.kind, metadata, spec: want.spec };
}

async function applyOne(client: ClusterClient, obj: EgressRuleObject, printer: ResultPrinter, o: WriteCommandOptions): Promise<string> {
  const dryRun = o.dryRun === 'server';
  const show = (r: StoredEgressRule, text: string) => (o.output === 'yaml' ? `${yamlOf(r)}---\n` : text);
  for (let attempt = 1; ; attempt++) {
    let stored: StoredEgressRule | undefined;
    try {
      stored = await client.egressRules.get(obj.metadata.namespace!, obj.metadata.name);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404 && !e.missingResource)) throw e;
    }
    try {
      if (!stored) {
        const r = await client.egressRules.create(obj, { dryRun });
        return show(r.object, printer.created(r.object, dryRun));
      }
      if (isUnchanged(stored, obj)) return show(stored, printer.unchanged(stored));
      const r = await client.egressRules.replace(merged(stored, obj), { dryRun });
      return show(r.object, printer.updated(r.object, dryRun));
    } catch (e) {
      // Someone else wrote between our read and our write: read again (unless the input pinned a
      // resourceVersion, whose conflict is the answer).
      const raced = e instanceof ApiError && ((e.status === 409 && !obj.metadata.resourceVersion) || (e.status === 404 && !e.missingResource && !!stored));
      if (!raced || attempt >= 3) throw e;
    }
  }
}

export async function runApply(ctx: Context, o: WriteCommandOptions): Promise<void> {
  const rules = await readRules(ctx, o.files, o.namespace, 'apply');
  if (o.dryRun === 'client') return printClientDryRun(ctx, rules, o);
  const client = await openCluster(ctx, o.concurrency);
  try {
    const printer = makeResultPrinter(o.output === 'name' ? 'name' : 'default');
    await runBatch(ctx, {
      items: rules.map((r) => withNamespace(r.object, o.namespace, client.defaultNamespace)),
      concurrency: o.concurrency,
      verb: 'applied',
      nameOf: (x) => x.metadata.name,
      work: (obj) => applyOne(client, obj, printer, o),
    });
  } finally {
    client.close();
  }
}

export function registerApply(program: Command, io: IO): void {
  const cmd = program
    .command('apply')
    .description('create the EgressRules that are missing and update those that differ (idempotent)')
    .argument('[args...]')
    .usage('-f FILE|- [flags]');
  addWriteOptions(cmd, 'apply');
  cmd.option('-o, --output <format>', 'name: print egressrule.config.istio.io/NAME lines; yaml: the stored objects');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText(
    'after',
    `\nExamples:\n  # Make the cluster hold the wikipedia rules of the "Control Egress TCP Traffic" task; run it again and nothing changes\n  egressctl apply -f wikipedia-rules.yaml\n`,
  );
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeWrite(raw, args);
    validateWrite(o, 'apply');
    await runApply(makeContext(io, raw), o);
  });
}
