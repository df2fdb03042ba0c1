// egressctl apply -f FILE|-: create what is missing, update what differs, and say `unchanged` for
// the rest; running it twice changes nothing the second time. As kubectl's client-side apply: the
// applied configuration is kept in the last-applied annotation, and an update is a three-way merge
// patch, so what was taken out of the file (a label, an annotation, a field) is removed while what
// others added is kept (core/merge-patch.ts).

import type { Command } from 'commander';
import type { EgressRuleObject } from '../core/egressrule.ts';
import { LAST_APPLIED, lastApplied, threeWayMergePatch, withLastApplied } from '../core/merge-patch.ts';
import type { ClusterClient, StoredEgressRule } from '../cluster/client.ts';
import { ApiError } from '../cluster/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter, yamlOf, type ResultPrinter } from '../print/objects.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { addWriteOptions, openCluster, readRules, runBatch, withNamespace } from './cluster-support.ts';
import { completeWrite, printClientDryRun, validateWrite, type WriteCommandOptions } from './create.ts';

/** kubectl's warning for an object that no apply made (created by create, or by another tool). */
export function missingAnnotationWarning(name: string): string {
  return `resource egressrules/${name} is missing the ${LAST_APPLIED} annotation which is required by egressctl apply (and kubectl apply). apply should only be used on resources created declaratively by either create --save-config or apply. The missing annotation will be patched automatically.`;
}

async function applyOne(ctx: Context, client: ClusterClient, obj: EgressRuleObject, printer: ResultPrinter, o: WriteCommandOptions): Promise<string> {
  const dryRun = o.dryRun === 'server';
  const show = (r: StoredEgressRule, text: string) => (o.output === 'yaml' ? `${yamlOf(r)}---\n` : text);
  const modified = withLastApplied(obj);
  for (let attempt = 1; ; attempt++) {
    let stored: StoredEgressRule | undefined;
    try {
      stored = await client.egressRules.get(obj.metadata.namespace!, obj.metadata.name);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404 && !e.missingResource)) throw e;
    }
    try {
      if (!stored) {
        const r = await client.egressRules.create(modified, { dryRun });
        return show(r.object, printer.created(r.object, dryRun));
      }
      const original = lastApplied(stored);
      const patch = threeWayMergePatch(original, modified, stored);
      if (!patch) return show(stored, printer.unchanged(stored));
      if (original === undefined) ctx.warn(missingAnnotationWarning(obj.metadata.name));
      const r = await client.egressRules.patch(obj.metadata.namespace!, obj.metadata.name, patch, { dryRun });
      return show(r.object, printer.updated(r.object, dryRun));
    } catch (e) {
      // Someone else wrote between our read and our write (a create that met AlreadyExists, a
      // patch of an object deleted since): read again, unless the input pinned a resourceVersion,
      // whose conflict is the answer.
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
      work: (obj) => applyOne(ctx, client, obj, printer, o),
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
