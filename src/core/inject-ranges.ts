// The `-i` value of istio-init from --includeIPRanges and --excludeIPRanges. Pure.
//
// Istio 0.2-0.4's init script knew only `-i`: absent = capture all outbound traffic, a list =
// capture only those blocks. Excludes are therefore subtracted here, so the list works with the
// init image of the time (which has no `-x`). Every item is checked before anything is written.
import { ALL_IPV4, formatCidr, parseCidrList, subtractCidrs, type Cidr } from './cidr.ts';

export interface IPRanges {
  /** The `-i` argument, or undefined to capture all outbound traffic. */
  value: string | undefined;
  /** Each problem with the flag it is about. */
  errors: Array<{ flag: '--includeIPRanges' | '--excludeIPRanges'; message: string }>;
  warnings: string[];
}

function isAll(list: string | undefined): boolean {
  return list === undefined || list.trim() === '' || list.trim() === '*';
}

/**
 * Resolves the two flags to the `-i` value. `include` undefined, empty or `*` means every address.
 * With excludes, the result is the fewest blocks covering include minus exclude.
 */
export function resolveIPRanges(include: string | undefined, exclude: string | undefined): IPRanges {
  const errors: IPRanges['errors'] = [];
  const warnings: string[] = [];
  let inc: Cidr[] = [ALL_IPV4];
  if (!isAll(include)) {
    const r = parseCidrList(include!);
    errors.push(...r.errors.map((message) => ({ flag: '--includeIPRanges' as const, message })));
    warnings.push(...r.warnings.map((w) => `--includeIPRanges: ${w}`));
    inc = r.cidrs;
  }
  let exc: Cidr[] = [];
  if (exclude !== undefined && exclude.trim() !== '') {
    if (exclude.trim() === '*') {
      errors.push({ flag: '--excludeIPRanges', message: '"*" would leave nothing to intercept; leave the pod out of the mesh instead (annotation sidecar.istio.io/inject: "false")' });
    } else {
      const r = parseCidrList(exclude);
      errors.push(...r.errors.map((message) => ({ flag: '--excludeIPRanges' as const, message })));
      warnings.push(...r.warnings.map((w) => `--excludeIPRanges: ${w}`));
      exc = r.cidrs;
    }
  }
  if (errors.length > 0) return { value: undefined, errors, warnings };
  if (exc.length === 0) {
    if (isAll(include)) return { value: undefined, errors, warnings };
    // Kept in the order given, each as its network, duplicates dropped.
    return { value: [...new Set(inc.map(formatCidr))].join(','), errors, warnings };
  }
  const left = subtractCidrs(inc, exc);
  if (left.length === 0) {
    errors.push({ flag: '--excludeIPRanges', message: `${exclude!.trim()} covers every address of --includeIPRanges ${include?.trim() || '*'}: nothing would be intercepted (and an empty -i means "capture all" to the init container)` });
    return { value: undefined, errors, warnings };
  }
  if (left.length === 1 && left[0].prefix === 0) return { value: undefined, errors, warnings };
  return { value: left.map(formatCidr).join(','), errors, warnings };
}
