// Writing objects as kubectl writes YAML: two spaces, lists not indented under their key, long
// strings not folded, and strings quoted when a YAML 1.1 reader (Kubernetes') would take them for
// something else. Pure.
import yaml from 'js-yaml';

// js-yaml quotes what its own YAML 1.2 schema would misread ("yes", "0755", "1e3"), but not
// YAML 1.1 numbers with underscores or binary digits ("1_000", "0b101"), which Kubernetes' reader
// turns into integers. This type teaches the dumper to quote those too; it is never used to load.
const YAML11_NUMBER = new yaml.Type('tag:yaml.org,2002:egressctl-yaml11-number', {
  kind: 'scalar',
  resolve: (s: string) => /^[-+]?(0b[01_]+|0[0-7_]+|[0-9][0-9_]*|0x[0-9a-fA-F_]+|([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/.test(s),
  construct: (s: string) => s,
});

const SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_NUMBER] });

const OPTIONS: yaml.DumpOptions = { noArrayIndent: true, lineWidth: -1, noRefs: true, quotingType: '"', schema: SCHEMA };

export function dumpYaml(value: unknown): string {
  return yaml.dump(value, OPTIONS);
}
