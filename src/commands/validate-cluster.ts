// validate --cluster: the rules already stored, for the analysis. Loaded only with --cluster, so
// plain validate never imports the cluster client.
import type { RuleSummary } from '../core/analysis.ts';
import { CommandError } from '../core/errors.ts';
import type { Context } from './common.ts';

export async function storedRuleSummaries(_ctx: Context): Promise<RuleSummary[]> {
  throw new CommandError('validate --cluster needs the cluster client, which this build does not have yet');
}
