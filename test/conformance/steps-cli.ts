// kubectl's and egressctl's commands against both servers: what users type, compared as they see
// it (exit code, stdout, stderr), with -o yaml/json parsed and normalised.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.ts';
import { egressctl, egressctlStep as e, kubectl, kubectlStep as k, linesServeHas, normRun, seqStep, withoutControllerEvents, type Step } from './harness.ts';

const SEED = readFileSync(join(ROOT, 'fixtures/seed/wikipedia-rules.yaml'), 'utf8');
const RULES = SEED.replace(/^kind: EgressRule$/gm, 'apiVersion: config.istio.io/v1alpha2\nkind: EgressRule');
const SLEEP_02 = join(ROOT, 'fixtures/samples/sleep-istio-0.2.yaml');
const SLEEP_NOW = join(ROOT, 'fixtures/samples/sleep-istio-current.yaml');

const rule = (name: string, service: string, extra = '') => `apiVersion: config.istio.io/v1alpha2\nkind: EgressRule\nmetadata:\n  name: ${name}\n${extra}spec:\n  destination:\n    service: ${service}\n  ports:\n  - port: 443\n    protocol: tcp\n`;
const applied = rule('applied', 'api.example.com', '  labels:\n    team: net\n');
const appliedChanged = rule('applied', 'api2.example.com', '  labels:\n    team: web\n');

const serviceYaml = (ports: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: applied-svc\n  labels:\n    app: a\nspec:\n  selector:\n    app: a\n  ports:\n${ports}`;
const twoPorts = '  - name: http\n    port: 80\n  - name: https\n    port: 443\n';
const onePort = '  - name: https\n    port: 443\n';

/** kube-inject (offline, egressctl's own) piped into kubectl apply -f -, as the seed does. */
function injectAndApply(file: string, known?: string): Step {
  return seqStep(`egressctl kube-inject -f ${file.replace(`${ROOT}/`, '')} --includeIPRanges=10.0.0.1/24 | kubectl apply -f -`, async (t) => {
    const injected = await egressctl(t, ['kube-inject', '-f', file, '--includeIPRanges=10.0.0.1/24']);
    if (injected.code !== 0) throw new Error(injected.stderr);
    return normRun(await kubectl(t, ['apply', '-f', '-'], injected.stdout), { t });
  }, { kubectl: true, known });
}

const istio: Step[] = [
  k(['version', '-o', 'json'], { parse: 'json', known: 'serve reports v1.32.0 (see /version)' }),
  k(['api-resources'], { project: linesServeHas, name: 'the rows serve has' }),
  k(['api-resources', '--api-group=config.istio.io', '-o', 'name']),
  k(['get', 'namespaces']),
  k(['get', 'nodes'], { known: 'serve has a node of its own (the carrier of --pod-cidrs, which kube-inject --includeIPRanges=auto reads); the test bed runs no kubelet and has none' }),
  k(['get', 'crd']),
  k(['get', 'crd', 'egressrules.config.istio.io', '-o', 'yaml'], { parse: 'yaml' }),
  k(['create', '-f', 'rules.yaml'], { files: { 'rules.yaml': RULES } }),
  k(['create', '-f', 'rules.yaml'], { files: { 'rules.yaml': RULES }, name: 'again: AlreadyExists' }),
  k(['create', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED }, name: 'the seed without apiVersion' }),
  k(['get', 'egressrules']),
  k(['get', 'egressrules', '-o', 'wide']),
  k(['get', 'egressrules', '-o', 'yaml'], { parse: 'yaml' }),
  k(['get', 'egressrules', '-o', 'json'], { parse: 'json' }),
  k(['get', 'egressrules', '-o', 'name']),
  k(['get', 'egressrules', '-A']),
  k(['get', 'egressrules', '--show-labels']),
  k(['get', 'egressrules', '--chunk-size=2', '-o', 'name']),
  k(['get', 'egressrules', '--field-selector', 'metadata.name=wikipedia-range2', '-o', 'name']),
  k(['get', 'egressrules', '-l', 'team in (net']),
  k(['get', 'egressrule', 'nope']),
  k(['get', 'istio-io', '-o', 'name']),
  k(['apply', '-f', 'applied.yaml'], { files: { 'applied.yaml': applied } }),
  k(['apply', '-f', 'applied.yaml'], { files: { 'applied.yaml': applied }, name: 'unchanged' }),
  k(['diff', '-f', 'applied.yaml'], { files: { 'applied.yaml': appliedChanged } }),
  k(['apply', '-f', 'applied.yaml'], { files: { 'applied.yaml': appliedChanged }, name: 'configured' }),
  k(['get', 'egressrule', 'applied', '-o', 'yaml'], { parse: 'yaml' }),
  k(['apply', '--server-side', '-f', 'ssa.yaml'], { files: { 'ssa.yaml': rule('ssa', 'ssa.example.com') } }),
  k(['replace', '-f', 'applied.yaml'], { files: { 'applied.yaml': appliedChanged } }),
  k(['label', 'egressrule', 'wikipedia-range1', 'tier=gold']),
  k(['annotate', 'egressrule', 'wikipedia-range1', 'note=x']),
  k(['patch', 'egressrule', 'wikipedia-range1', '--type', 'merge', '-p', '{"spec":{"ports":[{"port":80,"protocol":"http"}]}}']),
  k(['patch', 'egressrule', 'wikipedia-range1', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/destination/service","value":"10.0.0.0/8"}]']),
  k(['patch', 'egressrule', 'wikipedia-range1', '-p', '{"metadata":{"labels":{"x":"y"}}}'], { name: 'strategic on a custom resource' }),
  k(['create', '-f', 'bad.yaml'], { files: { 'bad.yaml': rule('Bad_Name', 'x.example.com') } }),
  k(['create', '-f', 'nons.yaml', '-n', 'nope'], { files: { 'nons.yaml': rule('r', 'x.example.com') } }),
  k(['create', '-f', 'unknown.yaml'], { files: { 'unknown.yaml': rule('unknown', 'x.example.com', '  colour: red\n') } }),
  k(['create', '-f', 'unknown.yaml', '--validate=warn'], { files: { 'unknown.yaml': rule('unknown', 'x.example.com', '  colour: red\n') } }),
  k(['create', '-f', 'dry.yaml', '--dry-run=server', '-o', 'yaml'], { files: { 'dry.yaml': rule('dry', 'x.example.com') }, parse: 'yaml' }),
  k(['delete', 'egressrule', 'wikipedia-range5']),
  k(['delete', 'egressrule', 'wikipedia-range5'], { name: 'again: NotFound' }),
  k(['delete', '-f', 'rules.yaml', '--ignore-not-found'], { files: { 'rules.yaml': RULES } }),
  k(['get', 'egressrules', '-o', 'name'], { name: 'after the deletes' }),
  k(['wait', '--for=condition=established', 'crd/egressrules.config.istio.io', '--timeout=10s']),
  k(['explain', 'egressrules'], { known: 'kubectl explain prints the schema\'s descriptions: serve keeps none (they would be most of the schemas\' size)' }),
];

const modern: Step[] = [
  k(['create', '-f', 'modern.yaml'], {
    files: {
      'modern.yaml': [
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: wikipedia\nspec:\n  hosts: ["*.wikipedia.org"]\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n  resolution: NONE\n',
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n',
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n',
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n',
      ].join('---\n'),
    },
  }),
  k(['get', 'se,vs,dr,gw']),
  k(['get', 'serviceentry', 'wikipedia', '-o', 'yaml'], { parse: 'yaml' }),
  k(['delete', 'vs', 'reviews']),
];

const builtin: Step[] = [
  k(['get', 'all']),
  k(['get', 'deploy,rs,sts,ds,job,cj,rc,po', '-o', 'wide']),
  k(['get', 'svc', '-o', 'wide']),
  k(['apply', '-f', 'svc.yaml'], { files: { 'svc.yaml': serviceYaml(twoPorts) } }),
  k(['apply', '-f', 'svc.yaml'], { files: { 'svc.yaml': serviceYaml(onePort) }, name: 'a port taken out' }),
  k(['apply', '-f', 'svc.yaml'], { files: { 'svc.yaml': serviceYaml(onePort) }, name: 'again: unchanged' }),
  k(['get', 'service', 'applied-svc', '-o', 'yaml'], { parse: 'yaml' }),
  k(['describe', 'service', 'applied-svc'], { project: withoutControllerEvents }),
  k(['describe', 'service', 'ext'], { project: withoutControllerEvents }),
  k(['describe', 'namespace', 'default']),
  k(['describe', 'deployment', 'web'], { project: withoutControllerEvents }),
  k(['describe', 'egressrule', 'wikipedia-range2']),
  k(['get', 'events'], { project: withoutControllerEvents }),
  k(['get', 'events', '-A'], { project: withoutControllerEvents }),
  k(['get', 'ev'], { project: withoutControllerEvents }),
  k(['auth', 'can-i', 'create', 'egressrules']),
  k(['auth', 'can-i', 'delete', 'nodes']),
  k(['auth', 'can-i', '--list']),
  k(['auth', 'whoami']),
  k(['create', 'deployment', 'typed', '--image=nginx:1.25', '--replicas=2']),
  k(['get', 'deployment', 'typed', '-o', 'yaml'], { parse: 'yaml' }),
  k(['create', 'serviceaccount', 'robot']),
  k(['create', 'configmap', 'settings', '--from-literal=a=b']),
  k(['create', 'namespace', 'made-by-kubectl']),
  k(['delete', 'namespace', 'made-by-kubectl', '--wait=false']),
  k(['get', 'namespace', 'made-by-kubectl'], { known: 'with no namespace controller the real test bed leaves a deleted namespace Terminating for ever; serve deletes it and what is in it at once, as a cluster\'s controller does' }),
  k(['create', 'job', 'once', '--image=busybox:1.36', '--', 'true']),
  k(['get', 'job', 'once', '-o', 'yaml'], { parse: 'yaml' }),
  k(['create', 'cronjob', 'often', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'true']),
  k(['run', 'runner', '--image=busybox:1.36', '--', 'sleep', '1d']),
  k(['get', 'pod', 'runner', '-o', 'yaml'], { parse: 'yaml' }),
  k(['expose', 'deployment', 'typed', '--port=80']),
  k(['get', 'service', 'typed', '-o', 'yaml'], { parse: 'yaml' }),
  k(['create', 'service', 'nodeport', 'np2', '--tcp=80:8080']),
  k(['label', 'deployment', 'typed', 'tier=web']),
  k(['set', 'image', 'deployment/typed', 'nginx=nginx:1.26']),
  k(['get', 'deployment', 'typed', '-o', 'yaml'], { parse: 'yaml', name: 'after set image' }),
  k(['scale', 'deployment', 'typed', '--replicas=3']),
  k(['get', 'deployment', 'typed', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']),
  k(['apply', '-f', 'typed.yaml'], { files: { 'typed.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typed\nspec:\n  selector:\n    matchLabels:\n      app: typed\n  template:\n    metadata:\n      labels:\n        app: typed\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        env:\n        - name: A\n          value: "1"\n' }, name: 'apply over what create made: a strategic merge patch' }),
  k(['get', 'deployment', 'typed', '-o', 'yaml'], { parse: 'yaml', name: 'after apply' }),
  k(['delete', 'deployment', 'typed']),
  k(['delete', 'pod', 'runner', '--wait=false']),
  injectAndApply(SLEEP_NOW),
  k(['get', 'deployment', 'sleep', '-o', 'yaml'], { parse: 'yaml', name: 'the sidecar is in it' }),
  injectAndApply(SLEEP_NOW),
  k(['delete', '-f', SLEEP_NOW]),
  injectAndApply(SLEEP_02, 'serve also serves extensions/v1beta1 Deployments (the seed\'s sleep sample), which Kubernetes 1.16 stopped serving: the real server answers "no matches for kind Deployment in version extensions/v1beta1"'),
];

const egress: Step[] = [
  e(['create', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED } }),
  e(['get', 'egressrules']),
  e(['get', 'egressrules', '-o', 'yaml'], { parse: 'yaml' }),
  e(['get', 'egressrules', '-o', 'wide']),
  e(['create', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED }, name: 'again: AlreadyExists' }),
  e(['apply', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED } }),
  e(['replace', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED } }),
  e(['validate', '--cluster', '-f', 'seed.yaml'], { files: { 'seed.yaml': SEED } }),
  e(['delete', 'egressrule', 'wikipedia-range1', 'wikipedia-range2', 'wikipedia-range3', 'wikipedia-range4', 'wikipedia-range5', '-n', 'default']),
  e(['delete', 'egressrule', 'wikipedia-range1', '-n', 'default'], { name: 'again: NotFound' }),
  e(['get', 'egressrules'], { name: 'none left' }),
  e(['kube-inject', '-f', SLEEP_NOW, '--includeIPRanges=auto'], { name: 'no node has pod CIDRs on either' }),
];

export const CLI_STEPS: Step[] = [...istio, ...modern, ...builtin, ...egress];
