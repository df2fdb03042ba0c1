// The streams a command runs on, passed in so that tests run the real command on buffers.
import { EventEmitter } from 'node:events';
import { fstatSync, statSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

export interface IO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The process's own streams that were made (process.stdout/stderr), to be flushed before exit. */
const made = new Set<Writable>();

/**
 * Standard output or error, written with write(2) straight to the descriptor when it is a pipe, a
 * socket or a file, as Node's own streams do there on Linux (synchronously), but without building
 * them: process.stdout on a pipe loads the stream and net modules, ~2 ms of start-up each for
 * stdout and stderr. A terminal or other device gets Node's stream (columns, colours), made on first
 * use; so does a descriptor that would block (EAGAIN), from then on. Errors (EPIPE: the reader went
 * away) are emitted as a stream's are.
 */
class StdWriter extends EventEmitter {
  private real: (Writable & { isTTY?: boolean; columns?: number; hasColors?(): boolean }) | undefined;
  private direct: boolean | undefined;
  /** Writes held back by cork(), written as one by the last uncork(), as a Writable does. */
  private corked = 0;
  private held: { chunk: string | Uint8Array; encoding?: BufferEncoding; cb?: (e?: Error | null) => void }[] = [];

  constructor(private readonly fd: 1 | 2) {
    super();
  }

  private useDirect(): boolean {
    if (this.direct === undefined) {
      try {
        const st = fstatSync(this.fd);
        // /dev/null too (a character device, but no terminal).
        this.direct = st.isFIFO() || st.isSocket() || st.isFile() || (st.isCharacterDevice() && st.rdev === nullDevice());
      } catch {
        this.direct = false;
      }
    }
    return this.direct && this.real === undefined;
  }

  private stream(): Writable & { isTTY?: boolean; columns?: number; hasColors?(): boolean } {
    if (!this.real) {
      this.real = this.fd === 1 ? process.stdout : process.stderr;
      made.add(this.real);
      this.real.on('error', (e) => this.emit('error', e));
      // A writer waiting for 'drain' (write() below, output-file's copy) waits on this object.
      this.real.on('drain', () => this.emit('drain'));
    }
    return this.real;
  }

  get isTTY(): boolean | undefined {
    return this.useDirect() ? false : this.stream().isTTY;
  }

  get columns(): number | undefined {
    return this.useDirect() ? undefined : this.stream().columns;
  }

  hasColors(): boolean {
    return this.useDirect() ? false : !!this.stream().hasColors?.();
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (this.corked > 0) {
      this.held.push({ chunk, encoding, cb });
      return true;
    }
    if (!this.useDirect()) return this.stream().write(chunk, encoding ?? 'utf8', cb);
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
    let done = 0;
    try {
      while (done < buf.length) done += writeSync(this.fd, buf, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return this.stream().write(buf.subarray(done), cb);
      process.nextTick(() => {
        cb?.(e as Error);
        this.emit('error', e);
      });
      return false;
    }
    if (cb) process.nextTick(cb);
    return true;
  }

  cork(): void {
    this.corked++;
  }

  uncork(): void {
    if (this.corked === 0 || --this.corked > 0) return;
    const held = this.held;
    this.held = [];
    if (held.length === 0) return;
    const data = Buffer.concat(held.map((h) => (typeof h.chunk === 'string' ? Buffer.from(h.chunk, h.encoding ?? 'utf8') : h.chunk)));
    const cbs = held.map((h) => h.cb).filter((cb) => cb !== undefined);
    this.write(data, cbs.length === 0 ? undefined : (e) => cbs.forEach((cb) => cb(e)));
  }

  end(chunk?: string | Uint8Array | (() => void), cb?: () => void): this {
    this.uncork();
    if (typeof chunk === 'function') cb = chunk;
    else if (chunk !== undefined) this.write(chunk);
    if (cb) process.nextTick(cb);
    return this;
  }
}

function nullDevice(): number | undefined {
  try {
    return statSync('/dev/null').rdev;
  } catch {
    return undefined;
  }
}

export function processIO(): IO {
  const stdout = new StdWriter(1) as unknown as IO['stdout'];
  const stderr = new StdWriter(2) as unknown as IO['stderr'];
  // A reader that goes away (`egressctl get ... | head`) is not an error: stop quietly, as
  // kubectl and the Unix tools do, instead of dying with an EPIPE stack trace.
  for (const s of [stdout, stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    // Made on first use: process.stdin builds a stream (~2 ms) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    stdout,
    stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Resolves once everything written to the process's standard output and error is out. */
export function flushStandardStreams(): Promise<void> {
  return Promise.all([...made].map((s) => new Promise<void>((resolve) => s.write('', () => resolve())))).then(() => undefined);
}

/** Writes and resolves once the data is handed to the stream (respecting back-pressure). */
export function write(out: Writable, text: string): Promise<void> | void {
  if (!out.write(text)) return new Promise((resolve) => out.once('drain', () => resolve()));
}
