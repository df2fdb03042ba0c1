// egressctl get TYPE [NAME...]: print the objects of one kind as a table (short, wide), YAML, a
// JSON List or names; one namespace or all (-A); filtered by labels (-l); large collections read in
// pages.

import { GET } from './catalog.ts';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { IO } from '../io/streams.ts';
import { GET_FORMATS, NO_RESOURCES, makeListPrinter, sortObjects, type GetFormat, type PrintableObject } from '../print/objects.ts';
import { formatError } from '../print/errors.ts';
import type { StoredObject } from '../cluster/client.ts';
import { ApiError } from '../cluster/errors.ts';
import { AlreadyReported } from '../core/errors.ts';
import { addGlobalOptions, makeContext, parseIntFlag, type Context } from './common.ts';
import { DEFAULT_CONCURRENCY, checkRequestTimeout } from './write-flags.ts';
import { TYPE_HELP, checkNamespaceFlag, checkObjectName, kindOfType, namespaceFlag } from './type-args.ts';
import { openCluster } from './read-objects.ts';

/** As kubectl: metadata.managedFields (a real server sets them on every write) only with --show-managed-fields. */
function withoutManagedFields(o: PrintableObject): PrintableObject {
  if (!('managedFields' in o.metadata)) return o;
  const { managedFields: _, ...metadata } = o.metadata as PrintableObject['metadata'] & { managedFields?: unknown };
  return { ...o, metadata };
}

export interface GetOptions {
  type?: string;
  names: string[];
  namespace?: string;
  allNamespaces: boolean;
  selector?: string;
  format: GetFormat;
  chunkSize: number;
  requestTimeout?: string;
  showManagedFields: boolean;
}

export function completeGet(raw: Record<string, unknown>, args: string[]): GetOptions {
  return {
    type: args[0],
    names: args.slice(1),
    namespace: namespaceFlag(raw),
    allNamespaces: raw.allNamespaces === true,
    selector: raw.selector as string | undefined,
    format: ((raw.output as string | undefined) ?? 'short') as GetFormat,
    chunkSize: (raw.chunkSize as number | undefined) ?? 500,
    requestTimeout: raw.requestTimeout as string | undefined,
    showManagedFields: raw.showManagedFields === true,
  };
}

export function validateGet(o: GetOptions): void {
  if (!o.type) throw new UsageError('you must specify the type of resource to get, e.g. egressctl get egressrules');
  if (!(GET_FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown output format "${o.format}": use one of ${GET_FORMATS.join(', ')}`);
  if (o.chunkSize < 0) throw new UsageError('--chunk-size must not be negative');
  if (o.allNamespaces && o.names.length > 0) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  checkRequestTimeout(o.requestTimeout);
  kindOfType(o.type);
  checkNamespaceFlag(o.namespace);
  for (const name of o.names) checkObjectName(name);
}

export async function runGet(ctx: Context, o: GetOptions): Promise<void> {
  const { io } = ctx;
  const kind = kindOfType(o.type!);
  const client = await openCluster(ctx, DEFAULT_CONCURRENCY);
  const printer = makeListPrinter(o.format, kind);
  const resource = client.resource(kind);
  const namespace = o.allNamespaces ? undefined : (o.namespace ?? client.defaultNamespace);
  const found: StoredObject[] = [];
  let failures = 0;
  try {
    if (o.names.length > 0) {
      const names = [...new Set(o.names)];
      const results = await Promise.all(
        names.map((name) =>
          resource.get(namespace!, name).then(
            (r) => ({ ok: true as const, r }),
            (e: unknown) => ({ ok: false as const, e }),
          ),
        ),
      );
      for (const x of results) {
        if (x.ok) found.push(x.r);
        else if (x.e instanceof ApiError && !x.e.fatal) {
          io.stderr.write(formatError(x.e, ctx.colors));
          failures++;
        } else throw x.e;
      }
    } else {
      for await (const page of resource.list({ namespace, labelSelector: o.selector, chunkSize: o.chunkSize })) found.push(...page);
    }
  } finally {
    client.close();
  }
  if (found.length === 0) {
    const text = printer.empty();
    if (text !== undefined) io.stdout.write(text);
    else if (failures === 0) io.stderr.write(`${NO_RESOURCES}\n`);
  } else {
    const sorted = sortObjects(found as PrintableObject[]);
    // A stored object that does not validate (written by another client) is listed all the same;
    // in a table, say what is wrong with it.
    if (o.format === 'short' || o.format === 'wide') {
      for (const r of sorted) {
        const { problems } = kind.checkSpec(r.spec, { namespace: r.metadata.namespace });
        if (problems.length > 0) ctx.warn(`${r.metadata.namespace}/${r.metadata.name}: the stored spec is not a valid ${kind.kind}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
      }
    }
    io.stdout.write(printer.print(o.showManagedFields ? sorted : sorted.map(withoutManagedFields)));
  }
  if (failures > 0) throw new AlreadyReported(1);
}

export function registerGet(program: Command, io: IO): void {
  const cmd = program
    .command(GET.name)
    .description(GET.description)
    .argument(GET.args!)
    .usage('TYPE [NAME...] [-o short|wide|yaml|json|name] [-A] [-l SELECTOR] [flags]')
    .option('-o, --output <format>', `output format: ${GET_FORMATS.join(', ')} (default short)`)
    .option('-A, --all-namespaces', 'list the objects of every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
    .option('--chunk-size <n>', 'read lists in pages of this many objects (0: one request)', parseIntFlag('--chunk-size'))
    .option('--show-managed-fields', 'with -o yaml or json, keep metadata.managedFields (left out by default, as kubectl does)');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText(
    'after',
    `\n${TYPE_HELP}\n\nExamples:\n  # The egress rules of the "Control Egress TCP Traffic" task\n  egressctl get egressrules\n\n  # One of them, as YAML\n  egressctl get egressrule wikipedia-range1 -o yaml\n`,
  );
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeGet(raw, args);
    validateGet(o);
    await runGet(makeContext(io, raw), o);
  });
}
