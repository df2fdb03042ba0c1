// egressctl convert -f FILE...|- [-o FILE] | --from-cluster [-n NS|-A]: Istio 0.x config (and
// workloads injected by 0.x kube-inject, and Kubernetes Ingresses) carried to today's Istio. The
// transform is the pure core's (core/convert); here: reading the input (files, or every 0.x object
// of the cluster, which is only read), warnings on stderr with their places, and the output written
// all or nothing (stdout, or -o as kube-inject writes it). Nothing is written when anything fails.

import type { Command } from 'commander';
import { CONVERT } from './catalog.ts';
import yaml from 'js-yaml';
import { convertDocuments, type ConvertResult } from '../core/convert/index.ts';
import { InputError, UsageError, formatProblem } from '../core/errors.ts';
import { configKey, type KindDescriptor } from '../core/kinds/descriptor.ts';
import { KINDS } from '../core/kinds/registry.ts';
import type { SourceDocument } from '../core/stream.ts';
import { readAllDocuments } from '../io/input.ts';
import { openFileSink } from '../io/output-file.ts';
import type { IO } from '../io/streams.ts';
import { write } from '../io/streams.ts';
import { addGlobalOptions, collect, makeContext, type Context } from './common.ts';
import { offlineNamespace, openCluster } from './read-objects.ts';
import { checkNamespaceFlag, namespaceFlag } from './type-args.ts';

export interface ConvertOptions {
  files: string[];
  fromCluster: boolean;
  allNamespaces: boolean;
  namespace?: string;
  output?: string;
  tlsPassthrough: boolean;
  domain: string;
  args: string[];
}

export function completeConvert(raw: Record<string, unknown>, args: string[]): ConvertOptions {
  return {
    files: (raw.filename as string[] | undefined) ?? [],
    fromCluster: raw.fromCluster === true,
    allNamespaces: raw.allNamespaces === true,
    namespace: namespaceFlag(raw),
    output: raw.output as string | undefined,
    tlsPassthrough: raw.tlsPassthrough === true,
    domain: (raw.domain as string | undefined) ?? 'cluster.local',
    args,
  };
}

/** Usage checks, no I/O. */
export function validateConvert(o: ConvertOptions): void {
  if (o.args.length > 0) throw new UsageError('convert takes no arguments');
  if (o.fromCluster && o.files.length > 0) throw new UsageError('give either -f or --from-cluster, not both');
  if (!o.fromCluster && o.files.length === 0) throw new UsageError('filename not specified (see --filename or -f), or convert what the cluster holds with --from-cluster');
  if (o.allNamespaces && !o.fromCluster) throw new UsageError('-A/--all-namespaces goes with --from-cluster');
  if (o.allNamespaces && o.namespace !== undefined) throw new UsageError('give either -n or -A, not both');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(o.domain)) throw new UsageError(`--domain "${o.domain}" is not a DNS domain`);
  checkNamespaceFlag(o.namespace);
}

/** The 0.x kinds, the only ones --from-cluster reads. */
const LEGACY_STORED = KINDS.filter((k) => k.era === '0.x' && !k.refusal);

/** Every 0.x object the cluster holds (in one namespace, or all), as documents placed at `cluster route-rule/NS/NAME`. */
async function clusterDocuments(ctx: Context, o: ConvertOptions): Promise<{ documents: SourceDocument[]; namespace: string }> {
  const client = await openCluster(ctx);
  const documents: SourceDocument[] = [];
  const namespace = o.namespace ?? client.defaultNamespace;
  try {
    for (const kind of LEGACY_STORED) {
      for await (const page of client.resource(kind).list({ namespace: o.allNamespaces ? undefined : namespace, chunkSize: 500 })) {
        for (const stored of page) documents.push(asDocument(kind, stored));
      }
    }
  } finally {
    client.close();
  }
  ctx.log(1, `convert --from-cluster: ${documents.length} Istio 0.x objects from ${client.server}${o.allNamespaces ? ' (all namespaces)' : ` (namespace ${namespace})`}`);
  return { documents, namespace };
}

/** A stored object as a document of the input: what it holds that convert reads (no server fields). */
function asDocument(kind: KindDescriptor, stored: { metadata: Record<string, unknown>; spec?: unknown }): SourceDocument {
  const { name, namespace, labels, annotations } = stored.metadata as { name: string; namespace: string; labels?: object; annotations?: object };
  const value = { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec: stored.spec };
  return { source: `cluster ${configKey(kind, namespace, name)}`, doc: { index: 0, line: 0, startLine: 0, raw: yaml.dump(value, { noRefs: true }), hasContent: true }, value };
}

async function writeOutput(ctx: Context, o: ConvertOptions, text: string): Promise<void> {
  if (!o.output || o.output === '-') return write(ctx.io.stdout, text);
  const sink = await openFileSink(o.output, ctx.io.cwd, ctx.io);
  try {
    sink.write(text);
    await sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  }
}

export async function runConvert(ctx: Context, o: ConvertOptions): Promise<ConvertResult> {
  let documents: SourceDocument[];
  let defaultNamespace: string;
  if (o.fromCluster) {
    ({ documents, namespace: defaultNamespace } = await clusterDocuments(ctx, o));
  } else {
    const read = await readAllDocuments(o.files, ctx.io);
    if (read.problems.length > 0) throw new InputError(read.problems);
    documents = read.documents;
    defaultNamespace = await offlineNamespace(ctx, o.namespace);
  }
  const r = convertDocuments(documents, { defaultNamespace, domain: o.domain, tlsPassthrough: o.tlsPassthrough });
  // Thousands of warnings are written as one (the stream gathers them until uncork).
  ctx.io.stderr.cork();
  try {
    for (const w of r.warnings) ctx.warn(formatProblem(w));
  } finally {
    ctx.io.stderr.uncork();
  }
  if (r.problems.length > 0) throw new InputError(r.problems);
  if (documents.length === 0) throw new InputError([{ place: { source: o.fromCluster ? 'cluster' : o.files.join(', ') }, message: o.fromCluster ? 'the cluster holds no EgressRule, RouteRule or DestinationPolicy to convert' : 'no objects passed to convert' }]);
  await writeOutput(ctx, o, r.text);
  ctx.log(1, `convert: ${Object.entries(r.counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return r;
}

export function registerConvert(program: Command, io: IO): void {
  const cmd = program
    .command(CONVERT.name)
    .description(CONVERT.description)
    .argument(CONVERT.args!)
    .usage('-f FILE|DIR|- [-o FILE] | --from-cluster [-n NS|-A] [flags]')
    .option('-f, --filename <file>', 'file, directory or - (standard input); may be repeated', collect)
    .option('-o, --output <file>', 'write the converted stream to FILE (all or nothing) instead of standard output')
    .option('--from-cluster', 'convert every Istio 0.x object the cluster holds (it is only read: nothing is written to it)')
    .option('-A, --all-namespaces', 'with --from-cluster: every namespace')
    .option('--tls-passthrough', "a 0.x https egress port becomes today's TLS pass-through (the app sends TLS) instead of HTTP with TLS originated by the sidecar (what 0.x meant)")
    .option('--domain <domain>', "the cluster's DNS domain, for the hosts of in-mesh services", 'cluster.local');
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText(
    'after',
    `
Examples:
  # The wikipedia rules of the "Control Egress TCP Traffic" task, as ServiceEntries
  egressctl convert -f wikipedia-rules.yaml

  # Straight into a cluster of today's Istio
  kubectl apply -f <(egressctl convert -f old-config/)

  # The sleep sample injected by 0.x kube-inject, back to a plain Deployment with the
  # traffic.sidecar.istio.io/includeOutboundIPRanges annotation carrying the same ranges
  egressctl convert -f sleep-injected.yaml -o sleep.yaml

  # Everything a 0.x cluster holds, in every namespace
  egressctl convert --from-cluster -A -o converted.yaml
`,
  );
  cmd.action(async (args: string[], raw: Record<string, unknown>) => {
    const o = completeConvert(raw, args);
    validateConvert(o);
    await runConvert(makeContext(io, raw), o);
  });
}
