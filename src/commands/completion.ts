// egressctl completion bash|zsh|fish: scripts generated from the program's own commands and flags,
// so they stay true as commands are added.
import { COMPLETION } from './catalog.ts';
import type { Command, Option } from 'commander';
import type { IO } from '../io/streams.ts';
import { UsageError } from '../core/errors.ts';
import { TYPE_NAMES } from '../core/kinds/registry.ts';

const TYPES = TYPE_NAMES;
const FILE_FLAGS = new Set(['--filename', '--kubeconfig', '--output', '--meshConfigFile', '--data', '--kubeconfig-out', '--tls-cert', '--tls-key']);

interface Spec {
  name: string;
  description: string;
  flags: Array<{ long?: string; short?: string; takesValue: boolean; description: string; file: boolean }>;
}

function specOf(program: Command): Spec[] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      flags: (c.options as readonly Option[]).map((o) => ({
        long: o.long,
        short: o.short,
        takesValue: o.required || o.optional,
        description: o.description,
        file: !!o.long && FILE_FLAGS.has(o.long),
      })),
    }));
}

function bash(specs: Spec[]): string {
  const cases = specs.map((s) => {
    const words = s.flags.flatMap((f) => [f.long, f.short].filter(Boolean)).join(' ');
    const types = s.name === 'get' || s.name === 'delete' ? ` ${TYPES.join(' ')}` : '';
    return `    ${s.name}) words="${words}${types}" ;;`;
  });
  const fileFlags = specs.flatMap((s) => s.flags.filter((f) => f.file).flatMap((f) => [f.long, f.short].filter(Boolean)));
  return `# bash completion for egressctl; load with: source <(egressctl completion bash)
_egressctl() {
  local cur prev words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${specs.map((s) => s.name).join(' ')}" -- "$cur") )
    return
  fi
  case "$prev" in
    ${[...new Set(fileFlags)].join('|') || '-f'}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _egressctl egressctl
`;
}

function zsh(specs: Spec[]): string {
  return `#compdef egressctl
# zsh completion for egressctl; load with: source <(egressctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(specs).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

function fishEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function fish(specs: Spec[]): string {
  const lines = ['# fish completion for egressctl; load with: egressctl completion fish | source', 'complete -c egressctl -f'];
  for (const s of specs) lines.push(`complete -c egressctl -n __fish_use_subcommand -a ${s.name} -d '${fishEscape(s.description)}'`);
  for (const s of specs) {
    for (const f of s.flags) {
      let l = `complete -c egressctl -n '__fish_seen_subcommand_from ${s.name}'`;
      if (f.long) l += ` -l ${f.long.slice(2)}`;
      if (f.short) l += ` -s ${f.short.slice(1)}`;
      if (f.takesValue) l += f.file ? ' -r -F' : ' -r';
      lines.push(`${l} -d '${fishEscape(f.description)}'`);
    }
    if (s.name === 'get' || s.name === 'delete') lines.push(`complete -c egressctl -n '__fish_seen_subcommand_from ${s.name}' -a '${TYPES.join(' ')}'`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(program: Command, shell: string): string {
  const specs = specOf(program);
  if (shell === 'bash') return bash(specs);
  if (shell === 'zsh') return zsh(specs);
  if (shell === 'fish') return fish(specs);
  throw new UsageError(`unsupported shell "${shell}": use bash, zsh or fish`);
}

export function registerCompletion(program: Command, io: IO): void {
  program
    .command(COMPLETION.name)
    .description(COMPLETION.description)
    .argument(COMPLETION.args!, 'bash, zsh or fish')
    .addHelpText('after', `
Examples:
  source <(egressctl completion bash)
  egressctl completion fish | source`)
    .action((shell: string) => {
      io.stdout.write(completionScript(program, shell));
    });
}
