// Writing a command's whole output to a path (kube-inject -o), all or nothing, to whatever the path
// is. The output is spooled to a temporary file first; only when the whole stream succeeded does it
// reach the path:
// - a regular file (or a symbolic link to one, followed to its target): the spool is made beside
//   the target and renamed over it, atomically, keeping the target's mode (and owner, where the
//   process may set it); the link stays a link;
// - a new name (or a link to one): the same, with the mode a new file gets (0666 less the umask);
// - a character device, FIFO or socket (/dev/null, a named pipe, /dev/stdout): opened and written
//   directly, never replaced; the spool lives in the temporary directory, so nothing reaches the
//   device when the stream fails;
// - a directory: refused before any work.

import { closeSync, fstatSync, fchmodSync, fchownSync, fsyncSync, openSync, promises as fs, rmSync, writeSync, createReadStream, createWriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { Writable } from 'node:stream';
import { CommandError } from '../core/errors.ts';
import { fsProblem } from './fs-errors.ts';

/** Where the output goes, and how it must be written. */
export interface OutputTarget {
  /** `stdout`/`stderr`: the path is this process's own standard output or error (/dev/stdout). */
  kind: 'file' | 'new' | 'special' | 'stdout' | 'stderr';
  /** The path written: a link's final target for files, the path as given for special files. */
  path: string;
  /** For an existing regular file: its mode and owner, to keep. */
  mode?: number;
  uid?: number;
  gid?: number;
}

/** What `path` names, following symbolic links (to a file that may not exist yet). */
export async function resolveOutput(path: string, flag: string): Promise<OutputTarget> {
  const failed = (e: NodeJS.ErrnoException): never => {
    throw new CommandError(`${flag}: cannot write: ${fsProblem(e)}`);
  };
  const st = await fs.stat(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : failed(e)));
  if (st?.isDirectory()) throw new CommandError(`${flag}: is a directory`);
  // A device, FIFO or socket is written through the path as given: /dev/stdout leads to a
  // /proc link (`pipe:[123]`) that only opening the path itself reopens.
  if (st && !st.isFile()) {
    // The process's own standard output or error (/dev/stdout, /dev/fd/2): written through the
    // streams it already has, which also works where reopening fails (a socket answers ENXIO).
    for (const [fd, kind] of [[1, 'stdout'], [2, 'stderr']] as const) {
      const own = fstatOr(fd);
      if (own && own.dev === st.dev && own.ino === st.ino) return { kind, path };
    }
    return { kind: 'special', path };
  }
  if (st) return { kind: 'file', path: await fs.realpath(path).catch(failed), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  // Not there: a new file, at the end of a dangling link if the path is one.
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const l = await fs.lstat(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : failed(e)));
    if (!l?.isSymbolicLink()) return { kind: 'new', path: p };
    p = resolve(dirname(p), await fs.readlink(p));
  }
  throw new CommandError(`${flag}: cannot write: too many levels of symbolic links`);
}

function fstatOr(fd: number): { dev: number; ino: number } | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

const BUFFER = 256 << 10;

/**
 * A temporary file written synchronously through a small buffer. Synchronous writes keep memory
 * flat: the promise API held the converted buffers until a later GC (92 MiB for 10,000 documents
 * against 75 MiB writing straight to a pipe).
 */
class Spool {
  private held = '';
  private constructor(readonly path: string, private fd: number) {}

  static open(path: string, mode: number): Spool {
    return new Spool(path, openSync(path, 'wx', mode));
  }

  write(t: string): void {
    this.held += t;
    if (this.held.length >= BUFFER) this.flush();
  }

  /** Writes what is held, applies the mode and owner, syncs and closes. */
  finish(keep?: { mode?: number; uid?: number; gid?: number }): void {
    this.flush();
    if (keep?.uid !== undefined && keep.gid !== undefined) {
      try {
        fchownSync(this.fd, keep.uid, keep.gid);
      } catch {
        // Not ours to give away (not root): the new file is the writer's, as with any editor.
      }
    }
    if (keep?.mode !== undefined) fchmodSync(this.fd, keep.mode);
    fsyncSync(this.fd);
    this.close();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  discard(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.held) writeSync(this.fd, this.held);
    this.held = '';
  }
}

/** Output spooled and delivered to its path only on commit. */
export interface FileSink {
  write(text: string): void;
  commit(): Promise<void>;
  abort(): void;
}

/**
 * Copies the spool to `to` (a device, FIFO or socket, or our own standard output or error, which
 * need not be a Node stream: io/streams.ts), respecting back-pressure; ends `to` if asked.
 */
async function copySpool(spoolPath: string, to: Writable, end: boolean): Promise<void> {
  const failed = new Promise<never>((_, reject) => to.once('error', reject));
  failed.catch(() => {});
  const copy = async () => {
    for await (const chunk of createReadStream(spoolPath)) {
      if (!to.write(chunk as Buffer)) await Promise.race([new Promise((r) => to.once('drain', r)), failed]);
    }
    if (end) await Promise.race([new Promise<void>((r) => to.end(() => r())), failed]);
  };
  await Promise.race([copy(), failed]);
}

// The file -o names is created in an existing directory: a missing one is what ENOENT means here.
const OUTPUT_WORDS = { ENOENT: 'no such directory' };

/**
 * Opens the spool for `given` (as typed, for messages) resolved against `cwd`; `streams` are the
 * process's standard output and error, for a path that names them.
 */
export async function openFileSink(given: string, cwd: string, streams: { stdout: Writable; stderr: Writable }, flag = `-o ${given}`): Promise<FileSink> {
  const target = await resolveOutput(resolve(cwd, given), flag);
  const replaced = target.kind === 'file' || target.kind === 'new';
  const spoolDir = replaced ? dirname(target.path) : tmpdir();
  const spoolPath = join(spoolDir, `.${basename(target.path)}.${process.pid}.${Date.now()}.tmp`);
  let spool: Spool;
  try {
    spool = Spool.open(spoolPath, replaced ? 0o666 : 0o600);
  } catch (e) {
    throw new CommandError(`${flag}: cannot write: ${fsProblem(e, OUTPUT_WORDS)}`);
  }
  return {
    write: (t) => spool.write(t),
    async commit() {
      try {
        if (!replaced) {
          spool.finish();
          await copySpool(spoolPath, target.kind === 'special' ? createWriteStream(target.path, { flags: 'w' }) : streams[target.kind as 'stdout' | 'stderr'], target.kind === 'special');
          spool.discard();
        } else {
          spool.finish(target.kind === 'file' ? target : undefined);
          await fs.rename(spoolPath, target.path);
        }
      } catch (e) {
        spool.discard();
        throw new CommandError(`${flag}: cannot write: ${fsProblem(e, OUTPUT_WORDS)}`);
      }
    },
    abort: () => spool.discard(),
  };
}
