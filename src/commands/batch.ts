// Runs one request per object with bounded concurrency, printing each result in input order as
// soon as everything before it is done, and ending with a summary of what was not done.

import { BadAnswerError, ConnectionError, isClusterError, shortReason, UnsafePathError } from '../cluster/errors.ts';
import { CommandError } from '../core/errors.ts';
import { formatError, objectErrorLine, unknownOutcomeLine } from '../print/errors.ts';
import { Progress } from '../print/progress.ts';
import type { Writable } from 'node:stream';
import type { Context } from './common.ts';
import type { KindDescriptor } from '../core/kinds/descriptor.ts';

/** A write whose answer was lost and whose outcome no check could learn. */
function isUnknown(e: unknown): e is ConnectionError | BadAnswerError {
  return (e instanceof ConnectionError || e instanceof BadAnswerError) && e.outcome === 'unknown';
}

function isFatal(e: unknown): boolean {
  return isClusterError(e) && (e as { fatal: boolean }).fatal;
}

export interface BatchOptions<T> {
  items: T[];
  concurrency: number;
  /** For progress and the summary: `created`, `replaced`, ... */
  verb: string;
  nameOf(item: T): string;
  /** Does one item; resolves to its stdout text. Throws to report a failure. */
  work(item: T): Promise<string>;
}

/**
 * Runs `work` on every item, at most `concurrency` at a time; prints each result (stdout) or error
 * (stderr) in input order as soon as everything before it is done; goes on past failures. A
 * failure that concerns the connection rather than the object (refused, TLS, 401, missing CRD)
 * stops sending: it is said once, and the objects not sent are named. Ends with
 * `error: K of N objects were not VERB: name (Reason), ...` and exit 1 if anything failed.
 */
export async function runBatch<T>(ctx: Context, o: BatchOptions<T>): Promise<void> {
  const { io } = ctx;
  const n = o.items.length;
  const results: Array<{ ok: true; out: string } | { ok: false; error: unknown } | undefined> = new Array(n);
  let fatal: unknown;
  let nextToStart = 0;
  let nextToPrint = 0;
  let done = 0;
  const progress = new Progress(io.stderr, o.verb, n, io.env);
  const out = new Runs(progress.enabled);
  // A server error names the object; a lost connection does not, so the line says which.
  const failureLine = (i: number, e: unknown) => objectErrorLine(o.nameOf(o.items[i]!), o.verb, e, ctx.colors);

  const flush = () => {
    let cleared = false;
    while (nextToPrint < n && results[nextToPrint] !== undefined) {
      if (!cleared) {
        progress.clear();
        cleared = true;
      }
      const r = results[nextToPrint]!;
      if (r.ok) out.write(io.stdout, r.out);
      else if (!isFatal(r.error)) out.write(io.stderr, failureLine(nextToPrint, r.error));
      nextToPrint++;
    }
    progress.update(done);
  };

  const worker = async () => {
    while (fatal === undefined && nextToStart < n) {
      const i = nextToStart++;
      try {
        results[i] = { ok: true, out: await o.work(o.items[i]!) };
      } catch (e) {
        if (e instanceof UnsafePathError) throw new CommandError(e.message);
        if (!isClusterError(e)) throw e;
        results[i] = { ok: false, error: e };
        if (isFatal(e) && fatal === undefined) fatal = e;
      }
      done++;
      if (fatal === undefined) flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, n) }, worker));
  } finally {
    out.flush();
  }
  // After a fatal error, print what finished (in order), skipping what was never sent; a write
  // whose answer was lost and could not be checked is said per object: it may have been done.
  for (; nextToPrint < n; nextToPrint++) {
    const r = results[nextToPrint];
    if (r?.ok) out.write(io.stdout, r.out);
    else if (r && !isFatal(r.error)) out.write(io.stderr, failureLine(nextToPrint, r.error));
    else if (r && isUnknown(r.error)) {
      out.write(io.stderr, unknownOutcomeLine(o.nameOf(o.items[nextToPrint]!), o.verb, r.error.lostAnswer, ctx.colors));
    }
  }
  out.flush();
  progress.clear();

  // What failed for certain, and what may or may not have been done (its answer was lost and the
  // check got none either): said apart, so an object that was written is never called not written.
  const failed: string[] = [];
  const unknown: string[] = [];
  let succeeded = 0;
  let otherFailures = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i];
    if (r?.ok) succeeded++;
    else if (r && isUnknown(r.error)) unknown.push(`${o.nameOf(o.items[i]!)} (${r.error.shortCause})`);
    else {
      if (r && !isFatal(r.error)) otherFailures++;
      failed.push(`${o.nameOf(o.items[i]!)} (${r ? shortReason(r.error) : 'not sent'})`);
    }
  }
  // Nothing written and nothing in doubt: the error about the connection says it all.
  if (fatal !== undefined && succeeded === 0 && otherFailures === 0 && unknown.length === 0) throw fatal;
  if (fatal !== undefined) io.stderr.write(formatError(fatal, ctx.colors));
  if (failed.length === 0 && unknown.length === 0) return;
  const list = (xs: string[]) => (xs.length > 20 ? [...xs.slice(0, 20), `and ${xs.length - 20} more`] : xs).join(', ');
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${failed.length} of ${n} objects were not ${o.verb}: ${list(failed)}`);
  if (unknown.length > 0) {
    const which = failed.length > 0 ? `${unknown.length} more` : `${unknown.length} of ${n} objects`;
    parts.push(`whether ${which} ${unknown.length === 1 && failed.length > 0 ? 'was' : 'were'} ${o.verb} is unknown (the answer was lost and could not be checked; they may have been ${o.verb}): ${list(unknown)}`);
  }
  throw new CommandError(parts.join('; '));
}

/**
 * Results written in runs: consecutive texts for one stream go out in one write, at the latest on
 * the next turn of the event loop (2,000 one-line writes cost 2,000 system calls, ~0.1 ms each
 * here). Texts keep their order across the two streams: a text for the other stream writes the
 * run first. With progress on a terminal, every text is written at once (the progress line is
 * redrawn between them).
 */
class Runs {
  private stream: Writable | undefined;
  private text = '';
  private scheduled = false;
  constructor(private readonly immediate: boolean) {}

  write(stream: Writable, text: string): void {
    if (this.immediate) {
      stream.write(text);
      return;
    }
    if (this.stream !== stream) this.flush();
    this.stream = stream;
    this.text += text;
    if (this.text.length >= 1 << 16) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.text) this.stream!.write(this.text);
    this.text = '';
    this.stream = undefined;
  }
}

/**
 * How a batch names its objects in messages: by name when they are all of one kind (the seed's
 * `wikipedia-range4 (AlreadyExists)`), as `singular/name` in a mixed stream.
 */
export function batchName<T extends { kind: KindDescriptor; object: { metadata: { name: string } } }>(items: readonly T[]): (item: T) => string {
  const mixed = new Set(items.map((i) => i.kind)).size > 1;
  return (i) => (mixed ? `${i.kind.singular}/${i.object.metadata.name}` : i.object.metadata.name);
}
