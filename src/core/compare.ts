// Comparing objects by content (keys in any order). Pure.

/** Stable JSON: keys sorted, undefined members left out. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export function canonicalEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
