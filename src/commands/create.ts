// egressctl create -f FILE|-: create every object of the input, of any kind (a mixed stream sends
// each object to its own resource). Every document is validated before anything is sent; objects
// go out concurrently over kept-alive connections; results are printed in input order; a failure
// does not stop the others.

import { CREATE, SEED_CREATE_EXAMPLE } from './catalog.ts';
import type { Command } from 'commander';
import type { ValidatedObject } from '../core/objects.ts';
import { UsageError } from '../core/errors.ts';
import type { IO } from '../io/streams.ts';
import { makeResultPrinter, printWouldSend, yamlOf } from '../print/objects.ts';
import { addGlobalOptions, makeContext, type Context } from './common.ts';
import { DEFAULT_CONCURRENCY, addWriteOptions, checkConcurrency, checkRequestTimeout, parseDryRun, type DryRun } from './write-flags.ts';
import { checkNamespaceFlag, namespaceFlag } from './type-args.ts';
import { contextNamespaceForDryRun, readObjects, readObjectsAndOpen, withNamespace } from './read-objects.ts';
import { runBatch, batchName } from './batch.ts';

export type WriteOutput = 'default' | 'name' | 'yaml' | 'json';

export interface WriteCommandOptions {
  files: string[];
  /** An explicit -n, if given. */
  namespace?: string;
  dryRun: DryRun;
  output: WriteOutput;
  concurrency: number;
  requestTimeout?: string;
  /** Positional arguments, which these commands do not take. */
  args: string[];
}

/** Flags and arguments into options. No I/O. */
export function completeWrite(raw: Record<string, unknown>, args: string[]): WriteCommandOptions {
  return {
    files: (raw.filename as string[] | undefined) ?? [],
    namespace: namespaceFlag(raw),
    dryRun: parseDryRun(raw.dryRun as string | boolean | undefined),
    output: parseWriteOutput(raw.output as string | undefined),
    concurrency: (raw.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY,
    requestTimeout: raw.requestTimeout as string | undefined,
    args,
  };
}

export function parseWriteOutput(v: string | undefined): WriteOutput {
  if (v === undefined || v === '') return 'default';
  if (v === 'name' || v === 'yaml' || v === 'json') return v;
  throw new UsageError(`unknown output format "${v}": use name or yaml (json with --dry-run=client)`);
}

/** Usage checks, no I/O: exit 2 with the usage line. */
export function validateWrite(o: WriteCommandOptions, verb: string): void {
  if (o.args.length > 0) throw new UsageError(`${verb} takes no arguments`);
  if (o.files.length === 0) throw new UsageError('filename not specified (see --filename or -f)');
  checkConcurrency(o.concurrency);
  checkRequestTimeout(o.requestTimeout);
  checkNamespaceFlag(o.namespace);
  if (o.output === 'json' && o.dryRun !== 'client') throw new UsageError('-o json is available with --dry-run=client; use -o yaml or -o name');
}

export async function runCreate(ctx: Context, o: WriteCommandOptions): Promise<void> {
  if (o.dryRun === 'client') return printClientDryRun(ctx, await readObjects(ctx, o.files, o.namespace, 'create'), o);
  const { objects, client } = await readObjectsAndOpen(ctx, o.files, o.namespace, 'create', o.concurrency);
  try {
    const items = objects.map((v) => ({ kind: v.desc, object: withNamespace(v.object, o.namespace, client.defaultNamespace) }));
    const printer = makeResultPrinter(o.output === 'name' ? 'name' : 'default');
    const dryRun = o.dryRun === 'server';
    await runBatch(ctx, {
      items,
      concurrency: o.concurrency,
      verb: 'created',
      nameOf: batchName(items),
      async work({ kind, object }) {
        const r = await client.resource(kind).create(object, { dryRun });
        if (r.recovered) ctx.log(1, `${object.metadata.name}: the answer to the create was lost; the object stored is the one sent, so it counts as created`);
        return o.output === 'yaml' ? `${yamlOf(r.object)}---\n` : printer.created(kind, r.object, dryRun);
      },
    });
  } finally {
    client.close();
  }
}

/** --dry-run=client of create, replace and apply: what would be sent, with its namespace. */
export async function printClientDryRun(ctx: Context, objects: ValidatedObject[], o: WriteCommandOptions): Promise<void> {
  const ns = await contextNamespaceForDryRun(ctx);
  ctx.io.stdout.write(printWouldSend(objects.map((v) => ({ kind: v.desc, object: withNamespace(v.object, o.namespace, ns) })), o.output === 'default' ? 'yaml' : o.output));
}

export function registerCreate(program: Command, io: IO): void {
  const cmd = program
    .command(CREATE.name)
    .description(CREATE.description)
    .argument(CREATE.args!)
    .usage('-f FILE|- [flags]');
  addWriteOptions(cmd, 'create');
  cmd.option('-o, --output <format>', 'name: print KIND.GROUP/NAME lines (egressrule.config.istio.io/NAME); yaml: the stored objects');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText('after', `\nExamples:\n${SEED_CREATE_EXAMPLE}\n\n  # Everything in a directory, into the context's namespace\n  egressctl create -f rules/\n`);
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeWrite(raw, args);
    validateWrite(o, 'create');
    await runCreate(makeContext(io, raw), o);
  });
}
