// Reading `-f` inputs: files, directories (their .yaml, .yml and .json files) and `-` for standard
// input. Text is decoded as strict UTF-8 and split into documents as it arrives, so a caller that
// consumes documents one by one holds only one document in memory.
// Synchronous file system calls: fs.promises loads a dozen modules (~1.5 ms of start-up) for a
// few stats and reads that nothing else waits on.
import { closeSync, createReadStream, fstatSync, openSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DocumentSplitter, addDocument, type RawDocument, type SourceDocument } from '../core/stream.ts';
import type { Problem } from '../core/errors.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { IO } from './streams.ts';
import { fsProblem } from './fs-errors.ts';

export const STDIN_NAME = '<stdin>';
/** No manifest document comes near this; a larger one is refused rather than read to exhaustion. */
export const MAX_DOCUMENT = 64 << 20;
const EXTENSIONS = /\.(ya?ml|json)$/i;

/** Expands `-f` arguments: a directory stands for its .yaml, .yml and .json files, sorted. */
export async function expandFiles(files: readonly string[], io: IO): Promise<{ paths: string[]; problems: Problem[] }> {
  const paths: string[] = [];
  const problems: Problem[] = [];
  for (const f of files) {
    // resolve(cwd, '') is the current directory: an empty name must not read it.
    if (f.trim() === '') throw new UsageError('-f needs a file name, a directory or - (got an empty string)');
    if (f === '-') {
      paths.push('-');
      continue;
    }
    const full = resolve(io.cwd, f);
    let st;
    try {
      st = statSync(full);
    } catch (e) {
      problems.push({ place: { source: f }, message: await missingPathProblem(f, full, e) });
      continue;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(full).filter((n) => EXTENSIONS.test(n)).sort();
      } catch (e) {
        problems.push({ place: { source: f }, message: `cannot read the directory: ${fsProblem(e)}` });
        continue;
      }
      if (names.length === 0) problems.push({ place: { source: f }, message: 'directory has no .yaml, .yml or .json files' });
      for (const n of names) paths.push(join(f, n));
    } else {
      paths.push(f);
    }
  }
  return { paths, problems };
}

/** Why a path that cannot be stat'ed cannot be read, in words: a dangling symlink says where it points. */
async function missingPathProblem(given: string, full: string, e: unknown): Promise<string> {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    let target: string | undefined;
    try {
      target = readlinkSync(full);
    } catch {
      target = undefined;
    }
    return target === undefined ? `the path "${given}" does not exist` : `the path "${given}" is a symbolic link to "${target}", which does not exist`;
  }
  if (code === 'ELOOP') return `the path "${given}" is a symbolic link that loops (too many levels of symbolic links)`;
  return `cannot read the path "${given}": ${fsProblem(e)}`;
}

export interface StreamDocument {
  source: string;
  doc: RawDocument;
}

/** Yields the documents of one input as text, as they arrive. */
export async function* readRawDocuments(path: string, io: IO): AsyncGenerator<StreamDocument> {
  const source = path === '-' ? STDIN_NAME : path;
  const input: AsyncIterable<Uint8Array> | Readable = path === '-' ? io.stdin : fileChunks(resolve(io.cwd, path));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const splitter = new DocumentSplitter();
  let lines = 0; // newlines decoded so far, to name the line of an invalid byte
  try {
    for await (const chunk of input) {
      let text: string;
      try {
        text = decoder.decode(chunk as Uint8Array, { stream: true });
      } catch {
        const lenient = new TextDecoder('utf-8').decode(chunk as Uint8Array);
        const at = lenient.indexOf('\ufffd');
        const line = lines + 1 + (lenient.slice(0, Math.max(at, 0)).match(/\n/g)?.length ?? 0);
        throw new InputError([{ place: { source, line }, message: 'not UTF-8 text (binary data?)' }]);
      }
      lines += text.match(/\n/g)?.length ?? 0;
      for (const doc of splitter.push(text)) yield { source, doc };
      if (splitter.pending > MAX_DOCUMENT) {
        throw new InputError([{ place: { source, ...splitter.pendingPlace }, message: `a document larger than ${MAX_DOCUMENT >> 20} MiB; refused` }]);
      }
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw new InputError([{ place: { source }, message: 'not UTF-8 text (binary data?) at the end of the input' }]);
    }
    for (const doc of [...splitter.push(tail), ...splitter.end()]) yield { source, doc };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError([{ place: { source }, message: (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : `cannot read: ${fsProblem(e)}` }]);
  }
}

/**
 * The bytes of a file, in chunks. A regular file is read with plain reads (a stream's machinery
 * costs a few ms of start-up for the few KB a command usually reads); anything else (a FIFO, a
 * device) through a stream.
 */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  let streamed = false;
  try {
    if (!fstatSync(fd).isFile()) {
      streamed = true;
      closeSync(fd);
      yield* createReadStream(path);
      return;
    }
    for (;;) {
      // 64 KiB, as a stream reads: the documents of one chunk are split out at once.
      const chunk = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return;
      yield chunk.subarray(0, n);
    }
  } finally {
    if (!streamed) closeSync(fd);
  }
}

/**
 * Reads and parses every document of every input: what create, apply and the others work on.
 * Problems of every input are collected, not just the first.
 */
export async function readAllDocuments(files: readonly string[], io: IO): Promise<{ documents: SourceDocument[]; problems: Problem[] }> {
  const { paths, problems } = await expandFiles(files, io);
  const documents: SourceDocument[] = [];
  for (const p of paths) {
    try {
      for await (const { source, doc } of readRawDocuments(p, io)) addDocument(source, doc, documents, problems);
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.problems);
      else throw e;
    }
  }
  return { documents, problems };
}
