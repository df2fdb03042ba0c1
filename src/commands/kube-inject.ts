// egressctl kube-inject (issue 5): adds Istio 0.4's sidecar to the workloads of a manifest stream.
// Options are gathered, completed (mesh config, `auto` ranges: the only steps that may talk to the
// cluster), validated with no I/O, then the stream is transformed document by document.
import { KUBE_INJECT } from './catalog.ts';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import type { IO } from '../io/streams.ts';
import { write } from '../io/streams.ts';
import { escapeControl } from '../print/escape.ts';
import { addGlobalOptions, collect, makeContext, parseIntFlag, type Context } from './common.ts';
import { CommandError, InputError, UsageError, formatPlace, type Problem } from '../core/errors.ts';
import { discoverClusterRanges, readMeshConfigMap } from './kube-inject-cluster.ts';
import { expandFiles, readRawDocuments } from '../io/input.ts';
import { openFileSink } from '../io/output-file.ts';
import { Injector, PULL_POLICIES, defaultSettings, formatInjectWarning, type InjectSettings, type PullPolicy } from '../core/inject.ts';
import { resolveIPRanges } from '../core/inject-ranges.ts';
import { defaultMeshConfig, parseMeshConfig, type MeshConfig } from '../core/mesh.ts';

export interface KubeInjectOptions {
  filename: string[];
  output?: string;
  hub: string;
  tag: string;
  verbosity: number;
  sidecarProxyUID: number;
  setVersionString?: string;
  imagePullPolicy: PullPolicy;
  coreDump: boolean;
  debug: boolean;
  includeIPRanges?: string;
  excludeIPRanges?: string;
  meshConfigFile?: string;
  meshConfigMapName?: string;
  istioNamespace: string;
}

function parseBool(name: string) {
  return (v: string): boolean => {
    const l = v.toLowerCase();
    if (l === 'true' || l === '1' || l === 't') return true;
    if (l === 'false' || l === '0' || l === 'f') return false;
    throw new UsageError(`invalid value "${v}" for ${name}: want true or false`);
  };
}

const EXAMPLES = `
Examples:
  # Inject the sleep sample and apply it (the "Enabling Egress Traffic" task)
  egressctl kube-inject -f samples/apps/sleep/sleep.yaml | kubectl apply -f -

  # Let the sidecar intercept only the cluster's own ranges, so that external calls go out directly:
  # Minikube
  kubectl apply -f <(egressctl kube-inject -f sleep.yaml --includeIPRanges=10.0.0.1/24)
  # IBM Bluemix
  kubectl apply -f <(egressctl kube-inject -f sleep.yaml --includeIPRanges=172.30.0.0/16,172.20.0.0/16)
  # GKE (clusterIpv4Cidr and servicesIpv4Cidr from 'gcloud container clusters describe')
  kubectl apply -f <(egressctl kube-inject -f sleep.yaml --includeIPRanges=10.4.0.0/14,10.7.240.0/20)

  # Ask the cluster for its pod and service ranges instead of looking them up
  egressctl kube-inject -f sleep.yaml --includeIPRanges=auto -o sleep-injected.yaml

  # Capture everything except one external network
  egressctl kube-inject -f sleep.yaml --excludeIPRanges=91.198.174.192/27
`;

export function registerKubeInject(program: Command, io: IO): void {
  const cmd = program
    .command(KUBE_INJECT.name)
    .description(KUBE_INJECT.description)
    .usage('-f FILE|- [-o FILE] [--includeIPRanges LIST|*|auto] [--excludeIPRanges LIST] [flags]')
    .option('-f, --filename <file>', 'input manifests (a file, a directory, or - for stdin; repeatable)', collect)
    .option('-o, --output <file>', 'write the injected manifests to FILE (atomically; nothing on error) instead of stdout')
    .option('--hub <hub>', 'docker hub of the Istio images', 'docker.io/istio')
    .option('--tag <tag>', 'tag of the Istio images', '0.4.0')
    .addOption(new Option('--verbosity <n>', 'the proxy\'s log level (-v of the sidecar)').argParser(parseIntFlag('--verbosity')).default(2))
    .addOption(new Option('--sidecarProxyUID <uid>', 'user id the sidecar runs as (its traffic is not intercepted)').argParser(parseIntFlag('--sidecarProxyUID')).default(1337))
    .option('--setVersionString <version>', 'version in the sidecar.istio.io/status annotation (default: the tag)')
    .addOption(new Option('--imagePullPolicy <policy>', 'pull policy of the injected containers').choices([...PULL_POLICIES]).default('IfNotPresent'))
    .addOption(new Option('--coreDump [bool]', 'add the enable-core-dump init container (--coreDump=false to leave it out)').argParser(parseBool('--coreDump')).default(true))
    .addOption(new Option('--debug [bool]', 'use the debug proxy image, privileged with a writable root (--debug=false for the plain one)').argParser(parseBool('--debug')).default(true))
    .option('--includeIPRanges <list>', 'IPv4 CIDR blocks the sidecar intercepts, comma-separated; * = all (default); auto = the cluster\'s pod and service ranges')
    .option('--excludeIPRanges <list>', 'IPv4 CIDR blocks never intercepted, comma-separated (subtracted from the include list)')
    .option('--meshConfigFile <file>', 'mesh config YAML (the "mesh" key of Istio\'s ConfigMap), applied onto Istio 0.4\'s compiled-in defaults; default: the mesh config Istio 0.4.0 installs')
    .option('--meshConfigMapName <name>', 'read the mesh config from this ConfigMap (key "mesh") in the Istio namespace')
    .option('-i, --istioNamespace <ns>', 'namespace Istio is installed in', 'istio-system')
    .addHelpText('after', EXAMPLES);
  addGlobalOptions(cmd, { cluster: true, verbosityFlag: '-v <level>' });
  cmd.action(async (raw: Record<string, unknown>) => {
    const ctx = makeContext(io, raw, 'v');
    const opts = raw as unknown as KubeInjectOptions;
    validateOptions(opts);
    const settings = await completeSettings(opts, ctx);
    await runKubeInject(opts, settings, ctx);
  });
}

/** Checks the flags without any I/O. */
export function validateOptions(opts: KubeInjectOptions): void {
  if (!opts.filename || opts.filename.length === 0) throw new UsageError('filename not specified (see --filename or -f)');
  if (opts.meshConfigFile && opts.meshConfigMapName) throw new UsageError('--meshConfigFile and --meshConfigMapName cannot both be given');
  if (opts.sidecarProxyUID < 0) throw new UsageError(`invalid value "${opts.sidecarProxyUID}" for --sidecarProxyUID: must not be negative`);
  if (opts.verbosity < 0) throw new UsageError(`invalid value "${opts.verbosity}" for --verbosity: must not be negative`);
  if (opts.excludeIPRanges?.trim() === 'auto') throw new UsageError('--excludeIPRanges does not take auto');
}

/**
 * Resolves the ranges and the mesh config into the transform's settings. Everything that can fail
 * fails here, before any output. Only `auto` and --meshConfigMapName load the cluster client.
 */
export async function completeSettings(opts: KubeInjectOptions, ctx: Context): Promise<InjectSettings> {
  const auto = opts.includeIPRanges?.trim() === 'auto';
  // Flags first: a typo fails before anything is asked of the cluster.
  const problems: Problem[] = [];
  const ranges0 = resolveIPRanges(auto ? undefined : opts.includeIPRanges, opts.excludeIPRanges);
  problems.push(...ranges0.errors.map((e) => ({ place: { source: e.flag }, message: e.message })));
  let meshText: { text: string; source: string } | undefined;
  if (opts.meshConfigFile) {
    try {
      meshText = { text: await fs.readFile(resolve(ctx.io.cwd, opts.meshConfigFile), 'utf8'), source: opts.meshConfigFile };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      problems.push({ place: { source: opts.meshConfigFile }, message: `cannot read the mesh config: ${err.code === 'ENOENT' ? 'no such file' : err.message}` });
    }
  }
  if (problems.length) throw new InputError(problems);

  let ranges = ranges0;
  if (auto || opts.meshConfigMapName) {
    // The cluster client is loaded only here: plain kube-inject works offline and starts fast.
    // Cluster failures propagate: cli.ts says them as every cluster command does.
    const { connect } = await import('../cluster/client.ts');
    // A few reads, one after another.
    const client = await connect(ctx, { concurrency: 2 });
    try {
      if (auto) {
        const found = await discoverClusterRanges(client, ctx.global.namespace ?? client.defaultNamespace);
        ctx.io.stderr.write(`${escapeControl(`kube-inject: pod ranges ${found.pods.join(',')} (from ${found.podSource}); service ranges ${found.services.join(',')} (from ${found.serviceSource})`)}\n`);
        ranges = resolveIPRanges([...found.pods, ...found.services].join(','), opts.excludeIPRanges);
        if (ranges.errors.length) throw new InputError(ranges.errors.map((e) => ({ place: { source: e.flag }, message: e.message })));
      }
      if (opts.meshConfigMapName) meshText = await readMeshConfigMap(client, opts.istioNamespace, opts.meshConfigMapName);
    } finally {
      client.close();
    }
  }
  for (const w of ranges.warnings) ctx.warn(w);

  let mesh: MeshConfig = defaultMeshConfig();
  if (meshText) {
    const r = parseMeshConfig(meshText.text, meshText.source);
    if (r.problems.length) throw new InputError(r.problems);
    for (const w of r.warnings) ctx.warn(w);
    mesh = r.mesh;
  }
  return defaultSettings({
    hub: opts.hub,
    tag: opts.tag,
    verbosity: opts.verbosity,
    sidecarProxyUID: opts.sidecarProxyUID,
    versionString: opts.setVersionString ?? '',
    imagePullPolicy: opts.imagePullPolicy,
    coreDump: opts.coreDump,
    debug: opts.debug,
    includeIPRanges: ranges.value,
    mesh,
  });
}

/** Where the output goes: stdout, or a temporary file renamed over FILE at the end. */
interface Sink {
  write(text: string): Promise<void> | void;
  commit(): Promise<void>;
  /** Drops what was not written; true when some output had already been written. */
  abort(): Promise<boolean>;
}

/** Standard output held back up to this size: within it, a bad document means no output at all. */
export const STDOUT_HOLD = 1 << 20;

/**
 * Where the output goes. -o PATH: spooled, and delivered to PATH only when the whole stream
 * succeeded (io/output-file.ts: a file is replaced atomically, a device written to). Standard output: held back up to STDOUT_HOLD (every realistic manifest), so that a bad
 * document writes nothing that `kubectl apply -f -` could apply; a longer stream is then written
 * document by document, keeping memory bounded by the largest document, and a later error says
 * which documents were already written.
 */
async function openSink(opts: KubeInjectOptions, io: IO): Promise<Sink> {
  if (!opts.output || opts.output === '-') return stdoutSink(io);
  const file = await openFileSink(opts.output, io.cwd, io);
  return {
    write: (t) => file.write(t),
    commit: () => file.commit(),
    async abort() {
      file.abort();
      return false;
    },
  };
}

function stdoutSink(io: IO): Sink {
  let held: string[] = [];
  let size = 0;
  let streaming = false;
  return {
    async write(t) {
      if (streaming) return write(io.stdout, t);
      held.push(t);
      size += t.length;
      if (size < STDOUT_HOLD) return;
      streaming = true;
      const text = held.join('');
      held = [];
      return write(io.stdout, text);
    },
    async commit() {
      if (held.length) await write(io.stdout, held.join(''));
      held = [];
    },
    async abort() {
      held = [];
      return streaming;
    },
  };
}

export async function runKubeInject(opts: KubeInjectOptions, settings: InjectSettings, ctx: Context): Promise<void> {
  const { paths, problems } = await expandFiles(opts.filename, ctx.io);
  if (problems.length) throw new InputError(problems);
  const sink = await openSink(opts, ctx.io);
  const all: Problem[] = [];
  let docs = 0;
  let written = 0; // documents with content handed to the sink, all before the first problem
  try {
    for (const path of paths) {
      const injector = new Injector(settings, path === '-' ? '<stdin>' : path, (w) => ctx.warn(formatInjectWarning(w, formatPlace)));
      try {
        for await (const { doc } of readRawDocuments(path, ctx.io)) {
          const r = injector.document(doc);
          if ('problem' in r) all.push(r.problem);
          else if (all.length === 0) {
            await sink.write(r.text); // after a problem: checked, not written
            if (doc.hasContent) written++;
          }
          if (doc.hasContent) docs++;
        }
      } catch (e) {
        if (e instanceof InputError) all.push(...e.problems);
        else throw e;
      }
      if (all.length === 0) await sink.write(injector.end());
    }
    if (docs === 0 && all.length === 0) all.push({ place: { source: opts.filename.join(', ').replace(/^-$/, '<stdin>') }, message: 'no objects passed to kube-inject' });
    if (all.length) throw new InputError(all);
    await sink.commit();
    ctx.log(2, `kube-inject: ${docs} documents from ${paths.length} input(s)`);
  } catch (e) {
    const partial = await sink.abort();
    if (partial && e instanceof InputError) {
      e.problems.push({ place: { source: '<stdout>' }, message: `the stream passed ${STDOUT_HOLD >> 20} MiB before the error, so its first ${written} documents were already written to standard output; nothing after them was (use -o FILE for all or nothing)` });
    }
    throw e;
  }
}
