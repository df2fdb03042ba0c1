// egressctl apply -f FILE|-: create what is missing, update what differs, and say `unchanged` for
// the rest; running it twice changes nothing the second time. As kubectl's client-side apply: the
// applied configuration is kept in the last-applied annotation, and an update is a three-way merge
// patch, so what was taken out of the file (a label, an annotation, a field) is removed while what
// others added is kept (core/merge-patch.ts).

import { APPLY } from './catalog.ts';
import type { Command } from 'commander';
import type { ConfigObject } from '../core/objects.ts';
import { resourceName, type KindDescriptor } from '../core/kinds/descriptor.ts';
import { LAST_APPLIED, lastApplied, threeWayMergePatch, withLastApplied } from '../core/merge-patch.ts';
import type { ClusterClient, StoredObject } from '../cluster/client.ts';
import { ApiError } from '../cluster/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter, yamlOf, type ResultPrinter } from '../print/objects.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { addWriteOptions } from './write-flags.ts';
import { readObjects, readObjectsAndOpen, withNamespace } from './read-objects.ts';
import { batchName, runBatch } from './batch.ts';
import { completeWrite, printClientDryRun, validateWrite, type WriteCommandOptions } from './create.ts';

/** kubectl's warning for an object that no apply made (created by create, or by another tool). */
export function missingAnnotationWarning(kind: KindDescriptor, name: string): string {
  return `resource ${resourceName(kind)}/${name} is missing the ${LAST_APPLIED} annotation which is required by egressctl apply (and kubectl apply). apply should only be used on resources created declaratively by either create --save-config or apply. The missing annotation will be patched automatically.`;
}

async function applyOne(ctx: Context, client: ClusterClient, kind: KindDescriptor, obj: ConfigObject, printer: ResultPrinter, o: WriteCommandOptions): Promise<string> {
  const resource = client.resource(kind);
  const dryRun = o.dryRun === 'server';
  const show = (r: StoredObject, text: string) => (o.output === 'yaml' ? `${yamlOf(r)}---\n` : text);
  const modified = withLastApplied(obj);
  for (let attempt = 1; ; attempt++) {
    let stored: StoredObject | undefined;
    try {
      stored = await resource.get(obj.metadata.namespace!, obj.metadata.name);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404 && !e.missingResource)) throw e;
    }
    try {
      if (!stored) {
        const r = await resource.create(modified, { dryRun });
        return show(r.object, printer.created(kind, r.object, dryRun));
      }
      const original = lastApplied(stored);
      const patch = threeWayMergePatch(original, modified, stored);
      if (!patch) return show(stored, printer.unchanged(kind, stored));
      if (original === undefined) ctx.warn(missingAnnotationWarning(kind, obj.metadata.name));
      const r = await resource.patch(obj.metadata.namespace!, obj.metadata.name, patch, { dryRun });
      return show(r.object, printer.updated(kind, r.object, dryRun));
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
  if (o.dryRun === 'client') return printClientDryRun(ctx, await readObjects(ctx, o.files, o.namespace, 'apply'), o);
  const { objects, client } = await readObjectsAndOpen(ctx, o.files, o.namespace, 'apply', o.concurrency);
  try {
    const printer = makeResultPrinter(o.output === 'name' ? 'name' : 'default');
    const items = objects.map((v) => ({ kind: v.desc, object: withNamespace(v.object, o.namespace, client.defaultNamespace) }));
    await runBatch(ctx, {
      items,
      concurrency: o.concurrency,
      verb: 'applied',
      nameOf: batchName(items),
      work: ({ kind, object }) => applyOne(ctx, client, kind, object, printer, o),
    });
  } finally {
    client.close();
  }
}

export function registerApply(program: Command, io: IO): void {
  const cmd = program
    .command(APPLY.name)
    .description(APPLY.description)
    .argument(APPLY.args!)
    .usage('-f FILE|- [flags]');
  addWriteOptions(cmd, 'apply');
  cmd.option('-o, --output <format>', 'name: print KIND.GROUP/NAME lines; yaml: the stored objects');
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
