// egressctl delete TYPE NAME... | -f FILE|-: delete objects of one kind by name (in -n, else the
// context's namespace, else default) or those of the input, of any kind; goes on past failures and
// reports all of them.

import { DELETE } from './catalog.ts';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter } from '../print/objects.ts';
import { ApiError } from '../cluster/errors.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { CONCURRENCY_HELP, DEFAULT_CONCURRENCY, checkConcurrency, checkRequestTimeout, parseConcurrency, parseDryRun, type DryRun } from './write-flags.ts';
import { TYPE_HELP, checkNamespaceFlag, checkObjectName, kindOfType, namespaceFlag } from './type-args.ts';
import { openCluster, readObjects, withNamespace } from './read-objects.ts';
import { batchName, runBatch } from './batch.ts';
import type { KindDescriptor } from '../core/kinds/descriptor.ts';

export interface DeleteOptions {
  files: string[];
  /** TYPE as typed (delete by name). */
  type?: string;
  names: string[];
  namespace?: string;
  dryRun: DryRun;
  output: 'default' | 'name';
  concurrency: number;
  ignoreNotFound: boolean;
  requestTimeout?: string;
  args: string[];
}

export function completeDelete(raw: Record<string, unknown>, args: string[]): DeleteOptions {
  const output = raw.output as string | undefined;
  if (output !== undefined && output !== 'name') throw new UsageError(`unknown output format "${output}": delete prints names only (-o name)`);
  return {
    files: (raw.filename as string[] | undefined) ?? [],
    type: args[0],
    names: args.slice(1),
    namespace: namespaceFlag(raw),
    dryRun: parseDryRun(raw.dryRun as string | boolean | undefined),
    output: output === 'name' ? 'name' : 'default',
    concurrency: (raw.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY,
    ignoreNotFound: raw.ignoreNotFound === true,
    requestTimeout: raw.requestTimeout as string | undefined,
    args,
  };
}

export function validateDelete(o: DeleteOptions): void {
  if (o.files.length > 0) {
    if (o.args.length > 0) throw new UsageError('delete takes no arguments when the file option is used');
  } else if (o.args.length < 2) {
    throw new UsageError('provide configuration type and name or -f option');
  }
  if (o.dryRun === 'client') throw new UsageError('--dry-run=client is not available for delete; use --dry-run=server');
  checkConcurrency(o.concurrency);
  checkRequestTimeout(o.requestTimeout);
  checkNamespaceFlag(o.namespace);
  if (o.type !== undefined && o.files.length === 0) {
    kindOfType(o.type);
    for (const name of o.names) checkObjectName(name);
  }
}

export async function runDelete(ctx: Context, o: DeleteOptions): Promise<void> {
  const byFile = o.files.length > 0;
  const objects = byFile ? await readObjects(ctx, o.files, o.namespace, 'delete') : [];
  const client = await openCluster(ctx, o.concurrency);
  try {
    const printer = makeResultPrinter(o.output);
    const dryRun = o.dryRun === 'server';
    const typed: KindDescriptor | undefined = byFile ? undefined : kindOfType(o.type!);
    const items = byFile
      ? objects.map((v) => ({ kind: v.desc, object: { metadata: withNamespace(v.object, o.namespace, client.defaultNamespace).metadata } }))
      : [...new Set(o.names)].map((name) => ({ kind: typed!, object: { metadata: { name, namespace: o.namespace ?? client.defaultNamespace } } }));
    await runBatch(ctx, {
      items,
      concurrency: o.concurrency,
      verb: 'deleted',
      nameOf: batchName(items),
      async work({ kind, object: { metadata: x } }) {
        try {
          await client.resource(kind).delete(x.namespace!, x.name, { dryRun });
        } catch (e) {
          if (o.ignoreNotFound && e instanceof ApiError && e.status === 404 && !e.missingResource) return '';
          throw e;
        }
        return byFile ? printer.deletedObject(kind, x.namespace!, x.name, dryRun) : printer.deletedByName(kind, o.type!, x.name, dryRun);
      },
    });
  } finally {
    client.close();
  }
}

export function registerDelete(program: Command, io: IO): void {
  const cmd = program
    .command(DELETE.name)
    .description(DELETE.description)
    .argument(DELETE.args!)
    .usage('TYPE NAME... | -f FILE|- [flags]')
    .option('-f, --filename <file>', 'file, directory or - (standard input) with the objects to delete; may be repeated', (v: string, p: string[] = []) => [...p, v])
    .option('--ignore-not-found', 'a missing object is not an error')
    .option('--dry-run [strategy]', 'server: send with dryRun=All (nothing deleted)')
    .option('--concurrency <n>', CONCURRENCY_HELP, parseConcurrency)
    .option('-o, --output <format>', 'name: print KIND.GROUP/NAME lines');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText(
    'after',
    `\n${TYPE_HELP}\n\nExamples:\n  # Remove the egress rules of the "Control Egress TCP Traffic" task\n  egressctl delete egressrule wikipedia-range1 wikipedia-range2 wikipedia-range3 wikipedia-range4 wikipedia-range5 -n default\n\n  # Remove the rules a file created\n  egressctl delete -f wikipedia-rules.yaml\n`,
  );
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeDelete(raw, args);
    validateDelete(o);
    await runDelete(makeContext(io, raw), o);
  });
}

