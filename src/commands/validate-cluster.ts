// validate --cluster: the objects already stored, for the analysis. Loaded only with --cluster, so
// plain validate never imports the cluster client.
import type { AnalysisObject } from '../core/analysis.ts';
import { ApiError } from '../cluster/errors.ts';
import { STORED_KINDS } from '../core/kinds/registry.ts';
import type { Context } from './common.ts';
import { openCluster } from './read-objects.ts';

/**
 * Every object of every kind stored in the cluster (all namespaces, read in pages) whose spec is
 * valid, placed at `cluster route-rule/NS/NAME`. A stored object that the input redefines is left
 * out: the input's version is the one that would be stored. A kind the cluster does not serve (no
 * CRD) is skipped.
 */
export async function storedObjects(ctx: Context, input: readonly AnalysisObject[]): Promise<AnalysisObject[]> {
  const redefined = new Set(input.map((r) => `${r.kind}/${r.namespace}/${r.name}`));
  const client = await openCluster(ctx);
  const out: AnalysisObject[] = [];
  try {
    for (const kind of STORED_KINDS) {
      try {
        for await (const page of client.resource(kind).list({ chunkSize: 500 })) {
          for (const o of page) {
            const { namespace, name } = o.metadata;
            if (redefined.has(`${kind.kind}/${namespace}/${name}`)) continue;
            const { spec, problems } = kind.checkSpec(o.spec, { namespace });
            if (problems.length > 0 || spec === undefined) {
              ctx.log(2, `validate --cluster: ${kind.configType}/${namespace}/${name} does not validate; left out of the analysis`);
              continue;
            }
            out.push({ kind: kind.kind, namespace, name, spec, place: { source: `cluster ${kind.configType}/${namespace}/${name}` } });
          }
        }
      } catch (e) {
        if (e instanceof ApiError && e.missingResource) {
          ctx.log(2, `validate --cluster: the cluster has no ${kind.plural}`);
          continue;
        }
        throw e;
      }
    }
  } finally {
    client.close();
  }
  ctx.log(2, `validate --cluster: ${out.length} stored objects from ${client.server}`);
  return out;
}
