// validate --cluster: the rules already stored, for the analysis. Loaded only with --cluster, so
// plain validate never imports the cluster client.
import type { RuleSummary } from '../core/analysis.ts';
import type { Context } from './common.ts';
import { failWith, openCluster } from './cluster-support.ts';

/**
 * Every EgressRule stored in the cluster (all namespaces, read in pages), as summaries placed at
 * `cluster egress-rule/NS/NAME`. A stored rule that the input redefines is left out: the input's
 * version is the one that would be stored.
 */
export async function storedRuleSummaries(ctx: Context, input: readonly RuleSummary[]): Promise<RuleSummary[]> {
  const redefined = new Set(input.map((r) => `${r.namespace}/${r.name}`));
  const client = await openCluster(ctx);
  const out: RuleSummary[] = [];
  try {
    for await (const page of client.egressRules.list({ chunkSize: 500 })) {
      for (const o of page) {
        const { namespace, name } = o.metadata;
        if (redefined.has(`${namespace}/${name}`)) continue;
        const service = typeof o.spec?.destination?.service === 'string' ? o.spec.destination.service : '';
        const ports = Array.isArray(o.spec?.ports) ? o.spec.ports.filter((p: { port?: unknown; protocol?: unknown }) => typeof p?.port === 'number' && typeof p?.protocol === 'string') : [];
        out.push({ namespace, name, service, ports, place: { source: `cluster egress-rule/${namespace}/${name}` } });
      }
    }
  } catch (e) {
    // Said as the other cluster commands say it (kubectl's `The connection to the server ... was
    // refused` carries no `error:` prefix).
    failWith(ctx, e);
  } finally {
    client.close();
  }
  ctx.log(2, `validate --cluster: ${out.length} stored rules from ${client.server}`);
  return out;
}
