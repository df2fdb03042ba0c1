// egressctl replace -f FILE|-: update existing objects (any kind) with optimistic concurrency. The
// object's resourceVersion is used if it has one, else the current one from a GET; a conflict is
// reported, never overwritten; a missing object is an error (replace never creates).

import { REPLACE } from './catalog.ts';
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter, yamlOf } from '../print/objects.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { addWriteOptions } from './write-flags.ts';
import { readObjects, readObjectsAndOpen, withNamespace } from './read-objects.ts';
import { batchName, runBatch } from './batch.ts';
import { completeWrite, printClientDryRun, validateWrite, type WriteCommandOptions } from './create.ts';

export async function runReplace(ctx: Context, o: WriteCommandOptions): Promise<void> {
  if (o.dryRun === 'client') return printClientDryRun(ctx, await readObjects(ctx, o.files, o.namespace, 'replace'), o);
  const { objects, client } = await readObjectsAndOpen(ctx, o.files, o.namespace, 'replace', o.concurrency);
  try {
    const printer = makeResultPrinter(o.output === 'name' ? 'name' : 'default');
    const dryRun = o.dryRun === 'server';
    const items = objects.map((v) => ({ kind: v.desc, object: withNamespace(v.object, o.namespace, client.defaultNamespace) }));
    await runBatch(ctx, {
      items,
      concurrency: o.concurrency,
      verb: 'replaced',
      nameOf: batchName(items),
      async work({ kind, object }) {
        const resource = client.resource(kind);
        let body = object;
        if (!object.metadata.resourceVersion) {
          // Not found here is the error: replace never creates.
          const current = await resource.get(object.metadata.namespace!, object.metadata.name);
          body = { ...object, metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion } };
        }
        const r = await resource.replace(body, { dryRun });
        return o.output === 'yaml' ? `${yamlOf(r.object)}---\n` : printer.updated(kind, r.object, dryRun);
      },
    });
  } finally {
    client.close();
  }
}

export function registerReplace(program: Command, io: IO): void {
  const cmd = program
    .command(REPLACE.name)
    .description(REPLACE.description)
    .argument(REPLACE.args!)
    .usage('-f FILE|- [flags]');
  addWriteOptions(cmd, 'replace');
  cmd.option('-o, --output <format>', 'name: print KIND.GROUP/NAME lines; yaml: the stored objects');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText(
    'after',
    `\nExamples:\n  # Move wikipedia-range1 of the "Control Egress TCP Traffic" task to another block\n  cat <<EOF | egressctl replace -f -\n  kind: EgressRule\n  metadata:\n    name: wikipedia-range1\n  spec:\n    destination:\n        service: 91.198.174.192/27\n    ports:\n        - port: 443\n          protocol: tcp\n  EOF\n`,
  );
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeWrite(raw, args);
    validateWrite(o, 'replace');
    await runReplace(makeContext(io, raw), o);
  });
}
