// What egressctl uses of @kubernetes/client-node, bundled on its own (dist/kube-client.cjs): it is
// loaded only for credentials that need it (exec plugins, auth providers, in-cluster), and its
// ~1 MB stays out of the CLI bundle that every command loads.
export { KubeConfig } from '@kubernetes/client-node';
