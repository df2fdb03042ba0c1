// Printers for config objects of any kind and for the outcome of writes. Chosen once from -o and
// handed to the command; commands never format text themselves. What differs by kind (the KIND
// column, the wide columns, `-o name`'s prefix, istioctl's config key) comes from the kind's
// descriptor. Pure: they return text.

import yaml from 'js-yaml';
import { configKey, kindColumn, namePrefix, type KindDescriptor } from '../core/kinds/descriptor.ts';
import { age } from './age.ts';
import { formatTable } from './table.ts';

/** What the printers need of an object (as stored, or as it would be sent). */
export interface PrintableObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; creationTimestamp?: string };
  spec?: unknown;
}

export const GET_FORMATS = ['short', 'wide', 'yaml', 'json', 'name'] as const;
export type GetFormat = (typeof GET_FORMATS)[number];

/** Rows sorted by namespace, then name. */
export function sortObjects<T extends PrintableObject>(objects: T[]): T[] {
  return objects.sort((a, b) => {
    const na = a.metadata.namespace ?? '';
    const nb = b.metadata.namespace ?? '';
    if (na !== nb) return na < nb ? -1 : 1;
    return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  });
}

export function yamlOf(obj: unknown): string {
  return yaml.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: false, noArrayIndent: true, quotingType: '"' });
}

/** A cell never throws: a stored object is listed whatever its spec holds. */
function safeCell(cell: (spec: unknown) => string, spec: unknown): string {
  try {
    return cell(spec);
  } catch {
    return '<invalid>';
  }
}

export interface ListPrinter {
  /** Text for the objects (already sorted); may be called once with everything. */
  print(objects: PrintableObject[]): string;
  /** Text to print when there is nothing (on stdout); undefined means say `No resources found.` on stderr. */
  empty(): string | undefined;
}

function jsonList(items: unknown[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}

/** The printer of `get` for one kind. */
export function makeListPrinter(format: GetFormat, kind: KindDescriptor, now: () => number = Date.now): ListPrinter {
  const column = kindColumn(kind);
  switch (format) {
    case 'short':
      return {
        print: (objects) => formatTable([['NAME', 'KIND', 'NAMESPACE'], ...objects.map((o) => [o.metadata.name, column, o.metadata.namespace ?? ''])]),
        empty: () => undefined,
      };
    case 'wide':
      return {
        print: (objects) =>
          formatTable([
            ['NAME', 'KIND', 'NAMESPACE', ...kind.wideColumns.map((c) => c.header), 'AGE'],
            ...objects.map((o) => [o.metadata.name, column, o.metadata.namespace ?? '', ...kind.wideColumns.map((c) => safeCell(c.cell, o.spec)), age(o.metadata.creationTimestamp, now())]),
          ]),
        empty: () => undefined,
      };
    case 'yaml':
      return { print: (objects) => objects.map((o) => `${yamlOf(o)}---\n`).join(''), empty: () => undefined };
    case 'json':
      return { print: (objects) => jsonList(objects), empty: () => jsonList([]) };
    case 'name':
      return { print: (objects) => objects.map((o) => `${namePrefix(kind)}/${o.metadata.name}\n`).join(''), empty: () => undefined };
  }
}

export const NO_RESOURCES = 'No resources found.';

/** How the outcome of each write is said: istioctl's sentences, or `-o name` lines for scripts. */
export interface ResultPrinter {
  created(kind: KindDescriptor, o: PrintableObject, serverDryRun: boolean): string;
  updated(kind: KindDescriptor, o: PrintableObject, serverDryRun: boolean): string;
  unchanged(kind: KindDescriptor, o: PrintableObject): string;
  /** delete TYPE NAME: the type as typed. */
  deletedByName(kind: KindDescriptor, typed: string, name: string, serverDryRun: boolean): string;
  /** delete -f */
  deletedObject(kind: KindDescriptor, namespace: string, name: string, serverDryRun: boolean): string;
}

const dryNote = (d: boolean) => (d ? ' (server dry run)' : '');

export function makeResultPrinter(format: 'default' | 'name'): ResultPrinter {
  if (format === 'name') {
    const line = (kind: KindDescriptor, name: string) => `${namePrefix(kind)}/${name}\n`;
    return {
      created: (k, o) => line(k, o.metadata.name),
      updated: (k, o) => line(k, o.metadata.name),
      unchanged: (k, o) => line(k, o.metadata.name),
      deletedByName: (k, _t, name) => line(k, name),
      deletedObject: (k, _ns, name) => line(k, name),
    };
  }
  const key = (k: KindDescriptor, o: PrintableObject) => configKey(k, o.metadata.namespace ?? '', o.metadata.name);
  return {
    created: (k, o, d) => `Created config ${key(k, o)}${d ? '' : ` at revision ${o.metadata.resourceVersion ?? ''}`}${dryNote(d)}\n`,
    updated: (k, o, d) => `Updated config ${key(k, o)}${d ? '' : ` to revision ${o.metadata.resourceVersion ?? ''}`}${dryNote(d)}\n`,
    unchanged: (k, o) => `Config ${key(k, o)} unchanged at revision ${o.metadata.resourceVersion ?? ''}\n`,
    deletedByName: (_k, typed, name, d) => `Deleted config: ${typed} ${name}${dryNote(d)}\n`,
    deletedObject: (k, ns, name, d) => `Deleted config: ${configKey(k, ns, name)}${dryNote(d)}\n`,
  };
}

/** `--dry-run=client`: the objects that would be sent, as YAML (each followed by `---`), a JSON List, or names. */
export function printWouldSend(objects: Array<{ kind: KindDescriptor; object: PrintableObject }>, format: 'yaml' | 'json' | 'name'): string {
  if (format === 'yaml') return objects.map((o) => `${yamlOf(o.object)}---\n`).join('');
  if (format === 'json') return jsonList(objects.map((o) => o.object));
  return objects.map((o) => `${namePrefix(o.kind)}/${o.object.metadata.name}\n`).join('');
}
