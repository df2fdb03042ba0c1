// kubectl's command-line conventions (pflag), on top of commander: flags on either side of the verb
// (`egressctl -n default get egressrules`), and short flags with `=` (`-o=name`, `-l=a=b`).
// Pure: rewrites the argument list before commander sees it.

import type { Command, Option } from 'commander';

/** The flags every command understands, and whether each takes a value; they may come before the verb. */
const GLOBAL_FLAGS: Record<string, { value: boolean; as?: string }> = {
  '-n': { value: true },
  '--namespace': { value: true },
  '-c': { value: true },
  '--kubeconfig': { value: true },
  '--context': { value: true },
  '--request-timeout': { value: true },
  '-v': { value: true },
  // Before the verb --verbosity is the log level (in kube-inject, after it, it is the proxy's).
  '--verbosity': { value: true, as: '-v' },
  '--no-color': { value: false },
};

function findOption(cmd: Command, flag: string): Option | undefined {
  return (cmd.options as readonly Option[]).find((o) => o.short === flag || o.long === flag);
}

/** Takes a value: `<x>` (required) or `[x]` (optional: only with `=`, as pflag's NoOptDefVal). */
function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

/** The verb (the command's name as typed), past the global flags before it; undefined when there is none. */
export function verbOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (!a.startsWith('-') || a === '-') return a;
    const eq = a.indexOf('=');
    const g = GLOBAL_FLAGS[eq > 0 ? a.slice(0, eq) : a];
    if (!g) return undefined;
    if (g.value && eq < 0) i++;
  }
  return undefined;
}

/**
 * Moves global flags given before the verb to after it, and splits `-x=value` into `-x value` (a
 * boolean short flag: `-A=true` is `-A`, `-A=false` is left out). Everything after `--` is kept.
 */
export function normalizeArgv(program: Command, argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') break;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const g = GLOBAL_FLAGS[flag];
    if (!g) break; // --help, --version, or an unknown flag: commander answers.
    const name = g.as ?? flag;
    if (!g.value) leading.push(name);
    else if (eq > 0) leading.push(name, a.slice(eq + 1));
    else if (i + 1 < argv.length) leading.push(name, argv[++i]!);
    else leading.push(name); // commander says the value is missing.
  }
  if (i >= argv.length || argv[i] === '--' || argv[i]!.startsWith('-')) {
    if (leading.length === 0) return [...argv];
    // Global flags with no verb after them: let commander say what is wrong with what follows.
    return [...argv.slice(i), ...leading];
  }
  const verb = argv[i]!;
  const cmd = (program.commands as readonly Command[]).find((c) => c.name() === verb || c.aliases().includes(verb));
  const rest = argv.slice(i + 1);
  return [verb, ...leading, ...(cmd ? splitShortEquals(cmd, rest) : rest)];
}

/** `-o=name` → `-o name` for the command's own short flags. */
function splitShortEquals(cmd: Command, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const m = /^(-[A-Za-z])=(.*)$/s.exec(a);
    const o = m ? findOption(cmd, m[1]!) : undefined;
    if (!m || !o) {
      out.push(a);
      continue;
    }
    const value = m[2]!;
    if (takesValue(o)) {
      // An optional value must stay attached (commander takes `-x v` for `[x]` options too, but a
      // required one cannot be attached without '=' ambiguity): `-ovalue` is commander's form.
      out.push(o.required ? m[1]! : `${m[1]}${value}`);
      if (o.required) out.push(value);
    } else if (value === 'true') {
      out.push(m[1]!);
    } else if (value !== 'false') {
      out.push(a); // commander will refuse it with its own message.
    }
  }
  return out;
}
