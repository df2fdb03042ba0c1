// egressctl serve: the local Kubernetes-compatible API server (issue 3, shared/spec/api-server.md).
// Only flags and help live here; the server is imported when the command runs (its own chunk).
import { SERVE } from './catalog.ts';
import type { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { addGlobalOptions, makeContext } from './common.ts';

export function registerServe(program: Command, io: IO): void {
  const cmd = program
    .command(SERVE.name)
    .description(SERVE.description)
    .usage('[flags]')
    .option('--listen <host:port>', 'address to listen on (port 0 = any free port)', '127.0.0.1:0')
    .option('--data <dir>', 'keep the state (and the generated certificates) in this directory; default: memory only')
    .option('--kubeconfig-out <file>', 'write the kubeconfig for this server here (mode 0600; context egressctl-local, made current; an existing kubeconfig keeps its other entries, as kind merges); default: DIR/kubeconfig with --data DIR, else a temporary file removed when the server stops')
    .option('--tls-cert <file>', 'serving certificate (PEM, may include the chain); default: one made with openssl')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--token <token>', 'bearer token clients must send (default: a random one, written to the kubeconfig)')
    .option('--insecure-http', 'serve plain HTTP without authentication (loopback only)', false)
    .option('--pod-cidrs <list>', 'comma-separated pod CIDRs, one node per block (spec.podCIDR/podCIDRs); default: one node without')
    .option('--service-cidr <cidr>', 'the service IP range (ServiceCIDR, and the range named in Service allocation errors)', '10.96.0.0/12')
    .option('--recover-data', 'start even if part of --data cannot be read: keep a copy of each damaged file (FILE.damaged-TIME) and drop what cannot be read, saying what', false)
    .option('--without-crds', 'start without the Istio CRDs (a cluster where Istio is not installed)', false)
    .option('--fault-injection', 'enable the /_egressctl/faults and /_egressctl/requests test endpoints', false);
  addGlobalOptions(cmd, { cluster: false });
  cmd.addHelpText('after', `
Prints "Serving on URL" as its first line on stdout and "Kubeconfig: FILE" as its second, once the
kubeconfig is written (the token is in the file, never printed). Stops on SIGTERM or SIGINT after
in-flight requests.

Examples:
  # A throw-away server with its kubeconfig; then use it with kubectl or egressctl
  egressctl serve --kubeconfig-out /tmp/local.kubeconfig &
  kubectl --kubeconfig /tmp/local.kubeconfig create -f wikipedia-rules.yaml

  # Without --kubeconfig-out: use the file named on the "Kubeconfig:" line while the server runs
  egressctl serve
  KUBECONFIG=/tmp/egressctl-serve-XXXXXX/kubeconfig egressctl get egressrules

  # State kept across restarts, two nodes' pod ranges and a service range
  egressctl serve --data ~/.egressctl-serve --pod-cidrs 10.244.0.0/24,10.244.1.0/24 --service-cidr 10.0.0.0/16`);
  cmd.action(async (raw: Record<string, unknown>) => {
    const ctx = makeContext(io, raw);
    const { runServe } = await import('../server/index.ts');
    await runServe({
      listen: raw.listen as string,
      data: raw.data as string | undefined,
      kubeconfigOut: raw.kubeconfigOut as string | undefined,
      tlsCert: raw.tlsCert as string | undefined,
      tlsKey: raw.tlsKey as string | undefined,
      token: raw.token as string | undefined,
      insecureHttp: raw.insecureHttp === true,
      podCidrs: raw.podCidrs as string | undefined,
      serviceCidr: raw.serviceCidr as string,
      withoutCrds: raw.withoutCrds === true,
      faultInjection: raw.faultInjection === true,
      recoverData: raw.recoverData === true,
      verbosity: ctx.global.verbosity,
    }, io);
  });
}
