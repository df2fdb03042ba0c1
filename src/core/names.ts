// Kubernetes name, label and annotation rules, in the API server's words
// (k8s.io/apimachinery pkg/util/validation, pkg/api/validation/objectmeta.go). Pure.
//
// The one place these checks live: the validators, the CLI's NAME and -n checks, the kubeconfig
// reader and `serve` all call these.

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** apimachinery's RegexError: the message, examples and the regex. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

export function isDNS1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** IsDNS1123Label: problems with a value that must be a DNS-1123 label (a namespace). */
export function dns1123LabelProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(maxLen(63));
  if (!DNS1123_LABEL.test(value)) {
    if (DNS1123_SUBDOMAIN.test(value)) out.push('must not contain dots');
    else out.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return out;
}

/** IsDNS1123Subdomain: problems with a value that must be a DNS-1123 subdomain (most object names). */
export function dns1123SubdomainProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 253) out.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    out.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return out;
}

/** IsDNS1035Label: problems with a Service name. */
export function dns1035LabelProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(maxLen(63));
  if (!DNS1035_LABEL.test(value)) {
    out.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return out;
}

/** IsQualifiedName: a label key or (lower-cased) annotation key. */
export function qualifiedNameProblems(value: string): string[] {
  const out: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...dns1123SubdomainProblems(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${maxLen(63)}`);
  if (!QUALIFIED_NAME.test(name)) {
    out.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return out;
}

/** IsValidLabelValue. */
export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(maxLen(63));
  if (!LABEL_VALUE.test(value)) {
    out.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return out;
}

/** field.Invalid's text: `PATH: Invalid value: "VALUE": DETAIL`. */
export function invalidValue(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** The API server's checks of metadata.name for a custom resource (a DNS-1123 subdomain). */
export function checkName(name: string, path = 'metadata.name'): string[] {
  return dns1123SubdomainProblems(name).map((m) => invalidValue(path, name, m));
}

/** The API server's checks of a namespace (a DNS-1123 label). */
export function checkNamespace(ns: string, path = 'metadata.namespace'): string[] {
  return dns1123LabelProblems(ns).map((m) => invalidValue(path, ns, m));
}

/** ValidateLabels: keys are qualified names, values label values, in key order. */
export function checkLabels(labels: Record<string, string>, path = 'metadata.labels'): string[] {
  const out: string[] = [];
  for (const k of Object.keys(labels).sort()) {
    for (const m of qualifiedNameProblems(k)) out.push(invalidValue(path, k, m));
    for (const m of labelValueProblems(labels[k]!)) out.push(invalidValue(path, labels[k]!, m));
  }
  return out;
}

/** The total size limit of an object's annotations (keys and values), as the API server has it. */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/** ValidateAnnotations: keys are qualified names (case-insensitive); the total size is bounded. */
export function checkAnnotations(annotations: Record<string, string>, path = 'metadata.annotations'): string[] {
  const out: string[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const m of qualifiedNameProblems(k.toLowerCase())) out.push(invalidValue(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(annotations[k]!);
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) out.push(`${path}: Too long: may not be more than ${ANNOTATIONS_SIZE_LIMIT} bytes`);
  return out;
}
