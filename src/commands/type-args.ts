// The TYPE and NAME arguments of get and delete, and -n: TYPE read through the kind registry, and
// every one checked before any I/O.

import { UsageError, CommandError } from '../core/errors.ts';
import type { KindDescriptor } from '../core/kinds/descriptor.ts';
import { STORED_KINDS, TYPE_NAMES, kindForType } from '../core/kinds/registry.ts';
import { checkName, isDNS1123Label } from '../core/names.ts';

/** The help paragraph about TYPE, for get and delete. */
export const TYPE_HELP = `TYPE is one of ${TYPE_NAMES.join(', ')}; a kind's name (${STORED_KINDS.map((k) => k.kind).join(', ')}), short name or PLURAL.GROUP works too, in any case.`;

/** The kind TYPE names: a usage error listing the types when it names none. */
export function kindOfType(typed: string): KindDescriptor {
  const kind = kindForType(typed);
  if (!kind) throw new UsageError(`configuration type ${typed} not found, the types are ${TYPE_NAMES.join(', ')}`);
  if (kind.refusal) throw new CommandError(`${kind.kind}: ${kind.refusal}`);
  return kind;
}

/** What kubectl (apimachinery's path segment check) says about a NAME that cannot be a URL path segment. */
function pathSegmentProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `may not be '${name}'`;
  if (name.includes('/')) return "may not contain '/'";
  if (name.includes('%')) return "may not contain '%'";
  return undefined;
}

/**
 * A NAME argument must be a DNS-1123 subdomain (as every EgressRule name is). Checked before any
 * I/O: `delete egressrule .` must never reach a URL (`/egressrules/.` is the collection). Exit 1,
 * as kubectl: `error: invalid resource name "..": [may not be '..']`.
 */
export function checkObjectName(name: string): void {
  const segment = pathSegmentProblem(name);
  if (name === '') throw new CommandError('invalid resource name "": a resource name may not be empty');
  if (segment) throw new CommandError(`invalid resource name ${JSON.stringify(name)}: [${segment}]`);
  if (checkName(name).length > 0) {
    throw new CommandError(
      `invalid resource name ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')`,
    );
  }
}

/** An explicit -n must be a DNS-1123 label (exit 1, like a bad NAME). */
export function checkNamespaceFlag(namespace: string | undefined): void {
  if (namespace === undefined || isDNS1123Label(namespace)) return;
  const segment = pathSegmentProblem(namespace);
  throw new CommandError(
    `invalid namespace ${JSON.stringify(namespace)}: ${segment ? `[${segment}]` : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', must start and end with an alphanumeric character and be at most 63 characters (e.g. 'my-name')"}`,
  );
}

/** -n as given; `-n ""` means not given (kubectl: the context's namespace). */
export function namespaceFlag(raw: Record<string, unknown>): string | undefined {
  const v = raw.namespace as string | undefined;
  return v === '' ? undefined : v;
}

