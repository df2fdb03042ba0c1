// Printers for EgressRule objects and for the outcome of writes. Chosen once from -o and handed to
// the command; commands never format text themselves. Pure: they return text.

import yaml from 'js-yaml';
import { age } from './age.ts';
import { formatTable } from './table.ts';

/** What the printers need of an object (as stored, or as it would be sent). */
export interface PrintableRule {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; creationTimestamp?: string };
  spec?: any;
}

export const GET_FORMATS = ['short', 'wide', 'yaml', 'json', 'name'] as const;
export type GetFormat = (typeof GET_FORMATS)[number];

export const KIND_COLUMN = 'EgressRule.v1alpha2.config.istio.io';
export const NAME_PREFIX = 'egressrule.config.istio.io';

/** Rows sorted by namespace, then name. */
export function sortRules<T extends PrintableRule>(rules: T[]): T[] {
  return rules.sort((a, b) => {
    const na = a.metadata.namespace ?? '';
    const nb = b.metadata.namespace ?? '';
    if (na !== nb) return na < nb ? -1 : 1;
    return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  });
}

/** The cell of a value that is not what the kind allows: a stored object is listed whatever its spec. */
export const INVALID_CELL = '<invalid>';

function destination(r: PrintableRule): string {
  const d: unknown = r.spec?.destination;
  if (d === undefined || d === null) return '<none>';
  if (typeof d !== 'object' || Array.isArray(d)) return INVALID_CELL;
  const service = (d as { service?: unknown }).service;
  if (service === undefined || service === null) return '<none>';
  return typeof service === 'string' ? service : INVALID_CELL;
}

function ports(r: PrintableRule): string {
  const p: unknown = r.spec?.ports;
  if (p === undefined || p === null || (Array.isArray(p) && p.length === 0)) return '<none>';
  if (!Array.isArray(p)) return INVALID_CELL;
  return p
    .map((x: unknown) => {
      const port = (x as { port?: unknown } | null)?.port;
      const protocol = (x as { protocol?: unknown } | null)?.protocol;
      return Number.isInteger(port) && typeof protocol === 'string' ? `${port}/${protocol.toUpperCase()}` : INVALID_CELL;
    })
    .join(',');
}

export function yamlOf(obj: unknown): string {
  return yaml.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: false, noArrayIndent: true, quotingType: '"' });
}

export interface ListPrinter {
  /** Text for the objects (already sorted); may be called once with everything. */
  print(rules: PrintableRule[]): string;
  /** Text to print when there is nothing (on stdout); undefined means say `No resources found.` on stderr. */
  empty(): string | undefined;
}

export function makeListPrinter(format: GetFormat, now: () => number = Date.now): ListPrinter {
  switch (format) {
    case 'short':
      return {
        print: (rules) => formatTable([['NAME', 'KIND', 'NAMESPACE'], ...rules.map((r) => [r.metadata.name, KIND_COLUMN, r.metadata.namespace ?? ''])]),
        empty: () => undefined,
      };
    case 'wide':
      return {
        print: (rules) =>
          formatTable([
            ['NAME', 'KIND', 'NAMESPACE', 'DESTINATION', 'PORTS', 'AGE'],
            ...rules.map((r) => [r.metadata.name, KIND_COLUMN, r.metadata.namespace ?? '', destination(r), ports(r), age(r.metadata.creationTimestamp, now())]),
          ]),
        empty: () => undefined,
      };
    case 'yaml':
      return { print: (rules) => rules.map((r) => `${yamlOf(r)}---\n`).join(''), empty: () => undefined };
    case 'json':
      return {
        print: (rules) => `${JSON.stringify({ apiVersion: 'v1', items: rules, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`,
        empty: () => `${JSON.stringify({ apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`,
      };
    case 'name':
      return { print: (rules) => rules.map((r) => `${NAME_PREFIX}/${r.metadata.name}\n`).join(''), empty: () => undefined };
  }
}

export const NO_RESOURCES = 'No resources found.';

/** The key istioctl printed objects by: `egress-rule/NS/NAME`. */
export function configKey(namespace: string, name: string): string {
  return `egress-rule/${namespace}/${name}`;
}

/** How the outcome of each write is said: istioctl's sentences, or `-o name` lines for scripts. */
export interface ResultPrinter {
  created(r: PrintableRule, serverDryRun: boolean): string;
  updated(r: PrintableRule, serverDryRun: boolean): string;
  unchanged(r: PrintableRule): string;
  /** delete TYPE NAME: the type as typed. */
  deletedByName(typed: string, name: string, serverDryRun: boolean): string;
  /** delete -f */
  deletedObject(namespace: string, name: string, serverDryRun: boolean): string;
}

const dryNote = (d: boolean) => (d ? ' (server dry run)' : '');

export function makeResultPrinter(format: 'default' | 'name'): ResultPrinter {
  if (format === 'name') {
    const line = (name: string) => `${NAME_PREFIX}/${name}\n`;
    return {
      created: (r) => line(r.metadata.name),
      updated: (r) => line(r.metadata.name),
      unchanged: (r) => line(r.metadata.name),
      deletedByName: (_t, name) => line(name),
      deletedObject: (_ns, name) => line(name),
    };
  }
  return {
    created: (r, d) => `Created config ${configKey(r.metadata.namespace ?? '', r.metadata.name)}${d ? '' : ` at revision ${r.metadata.resourceVersion ?? ''}`}${dryNote(d)}\n`,
    updated: (r, d) => `Updated config ${configKey(r.metadata.namespace ?? '', r.metadata.name)}${d ? '' : ` to revision ${r.metadata.resourceVersion ?? ''}`}${dryNote(d)}\n`,
    unchanged: (r) => `Config ${configKey(r.metadata.namespace ?? '', r.metadata.name)} unchanged at revision ${r.metadata.resourceVersion ?? ''}\n`,
    deletedByName: (typed, name, d) => `Deleted config: ${typed} ${name}${dryNote(d)}\n`,
    deletedObject: (ns, name, d) => `Deleted config: ${configKey(ns, name)}${dryNote(d)}\n`,
  };
}

/** `--dry-run=client`: the objects that would be sent, as YAML (each followed by `---`), a JSON List, or names. */
export function printWouldSend(rules: PrintableRule[], format: 'yaml' | 'json' | 'name'): string {
  return makeListPrinter(format).print(rules);
}
