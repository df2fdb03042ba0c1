// Filesystem failures on the paths a user gives (serve's --data, --tls-cert, --kubeconfig-out,
// kube-inject's -o) as one line: the flag, the path as given and the problem in words.
import { CommandError } from '../core/errors.ts';

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'the device or resource is busy',
};

/** The problem of a Node fs error in words ("not a directory", "permission denied"); `words` overrides per code. */
export function fsProblem(e: unknown, words: Record<string, string> = {}): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (code && (words[code] ?? WORDS[code])) return words[code] ?? WORDS[code];
  const msg = err?.message ?? String(e);
  // "EXYZ: what happened, syscall 'path'" -> "what happened"
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(msg);
  return m ? m[1] : msg;
}

export function isFsError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** `FLAG PATH: [what: ]problem` as a CommandError (exit 1). */
export function fsError(flag: string, path: string, e: unknown, what?: string, words?: Record<string, string>): CommandError {
  return new CommandError(`${flag} ${path}: ${what ? `${what}: ` : ''}${fsProblem(e, words)}`);
}
