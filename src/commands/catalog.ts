// The commands as the top-level help lists them, and how to load each: light, so that --help and
// the listing of the commands that do not run need none of their modules (commands/index.ts).
// Each command module registers itself with its entry here (name, description, arguments).
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';

/** What the top-level help lists of a command. */
export interface CommandInfo {
  name: string;
  description: string;
  /** Its arguments as commander writes them (`[args...]`, `<shell>`), if any. */
  args?: string;
  /** Whether it has flags (the `[options]` of the listing). */
  flags: boolean;
  /** Loads the command's module; resolves with its registration. */
  load(): Promise<(program: Command, io: IO) => void>;
}

export const CREATE: CommandInfo = { name: 'create', description: 'create every object in the input: EgressRules, RouteRules, DestinationPolicies, ServiceEntries... (all validated before anything is sent)', args: '[args...]', flags: true, load: () => import('./create.ts').then((m) => m.registerCreate) };
export const REPLACE: CommandInfo = { name: 'replace', description: 'update existing objects of any kind (optimistic concurrency: a conflict is reported, never overwritten)', args: '[args...]', flags: true, load: () => import('./replace.ts').then((m) => m.registerReplace) };
export const APPLY: CommandInfo = { name: 'apply', description: 'create the objects that are missing and update those that differ, of any kind (idempotent)', args: '[args...]', flags: true, load: () => import('./apply.ts').then((m) => m.registerApply) };
export const DELETE: CommandInfo = { name: 'delete', description: 'delete objects by type and names, or those in the input (any kind)', args: '[args...]', flags: true, load: () => import('./delete.ts').then((m) => m.registerDelete) };
export const GET: CommandInfo = { name: 'get', description: 'print the objects of one kind (egressrules, routerules, serviceentries, ...)', args: '[args...]', flags: true, load: () => import('./get.ts').then((m) => m.registerGet) };
export const VALIDATE: CommandInfo = { name: 'validate', description: 'check config files offline (every kind): every problem with its place, plus what the mesh would silently get wrong', flags: true, load: () => import('./validate.ts').then((m) => m.registerValidate) };
export const KUBE_INJECT: CommandInfo = { name: 'kube-inject', description: 'add the Istio sidecar (Istio 0.4\'s proxy and init containers) to the workloads of a manifest stream', flags: true, load: () => import('./kube-inject.ts').then((m) => m.registerKubeInject) };
export const CONVERT: CommandInfo = { name: 'convert', description: "carry Istio 0.x config (EgressRule, RouteRule, DestinationPolicy), 0.x-injected workloads and Ingresses to today's Istio (networking.istio.io/v1)", args: '[args...]', flags: true, load: () => import('./convert.ts').then((m) => m.registerConvert) };
export const SERVE: CommandInfo = { name: 'serve', description: 'run a local Kubernetes-compatible API server for Istio config (kubectl and egressctl can use it)', flags: true, load: () => import('./serve.ts').then((m) => m.registerServe) };
export const VERSION_COMMAND: CommandInfo = { name: 'version', description: 'print the egressctl version', flags: false, load: () => import('./version.ts').then((m) => m.registerVersion) };
export const COMPLETION: CommandInfo = { name: 'completion', description: 'print a shell completion script (bash, zsh or fish)', args: '<shell>', flags: false, load: () => import('./completion.ts').then((m) => m.registerCompletion) };

/** In the order the help lists them. */
export const CATALOG: readonly CommandInfo[] = [CREATE, REPLACE, APPLY, DELETE, GET, VALIDATE, KUBE_INJECT, CONVERT, SERVE, VERSION_COMMAND, COMPLETION];

export const SEED_CREATE_EXAMPLE = `  # Create the egress rules of the "Control Egress TCP Traffic" task from a heredoc
  cat <<EOF | egressctl create -f -
  kind: EgressRule
  metadata:
    name: wikipedia-range1
  spec:
    destination:
        service: 91.198.174.192/27
    ports:
        - port: 443
          protocol: tcp
  EOF`;

