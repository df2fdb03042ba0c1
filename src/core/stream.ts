// The YAML/JSON multi-document stream reader: pure, no I/O.
//
// A stream is split into documents on `---` and `...` marker lines (column 0, as the YAML spec
// defines them), incrementally, so a caller can feed it chunks of a 100 MB file and hold only one
// document at a time. Every document keeps its raw text (for byte-for-byte write-back), its
// position in the stream and the line it starts on (for error messages). Parsing guards against
// hostile input: alias bombs, deep nesting, binary data, `__proto__` keys and duplicate keys.

import yaml from 'js-yaml';
import type { Place, Problem } from './errors.ts';

/** One document of a stream, as text. */
export interface RawDocument {
  /** 1-based position among the documents that have content; 0 for blank or comment-only ones. */
  index: number;
  /** 1-based line of the document's first content line (or of its first line when it has none). */
  line: number;
  /** 1-based line on which `raw` starts. */
  startLine: number;
  /** The document's text, without its `---` marker (what follows the marker on its line is kept). */
  raw: string;
  /** The marker line that opened this document (e.g. `---` or `--- # note`), if any. */
  marker?: string;
  /** True when the document holds more than blank lines and comments. */
  hasContent: boolean;
}

function isContentLine(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith('%');
}

/**
 * Splits a stream into documents as text arrives. `push` returns the documents completed by the
 * text so far; `end` returns the last one. A leading UTF-8 BOM is dropped.
 */
export class DocumentSplitter {
  /** The text of the current document so far, in pieces (each one or more whole lines). */
  private lines: string[] = [];
  /** How many lines the current document has (with the text of a `--- content` line, one). */
  private lineCount = 0;
  private partial = '';
  private lineNo = 0; // lines consumed so far
  private docStartLine = 1;
  private firstContentLine = 0;
  private rawStart = 0; // line of the document's first line
  private marker: string | undefined;
  private count = 0;
  private started = false;
  private size = 0; // characters held for the current document

  /** Characters held for the document being read: a caller can refuse one that grows too large. */
  get pending(): number {
    return this.size + this.partial.length;
  }

  /** Where the document being read starts: its number (if it has content yet) and first line. */
  get pendingPlace(): { document?: number; line: number } {
    // The line still being read counts when it has content and opens no new document (a line can
    // be the whole of a huge document, as a pipe delivers it in pieces).
    const partialContent = this.firstContentLine === 0 && this.partial.length > 0 && !isMarkerAt(this.partial, 0, this.partial.length) && isContentLine(this.partial.slice(0, 4096));
    const first = this.firstContentLine || (partialContent ? this.lineNo + 1 : 0);
    const line = first || this.rawStart || this.lineNo + 1;
    return first ? { document: this.count + 1, line } : { line };
  }

  push(text: string): RawDocument[] {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: RawDocument[] = [];
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.partial += text;
      return out;
    }
    let start = 0;
    if (this.partial !== '') {
      // The line that began in an earlier chunk.
      const line = this.partial + text.slice(0, nl + 1);
      this.partial = '';
      this.takeLine(line, out);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    // The lines of this chunk. Consecutive lines of one document are kept as one piece of `text`
    // (from `piece` to `start`), cut only at a marker line and at the end of the chunk.
    let piece = start;
    while (nl >= 0) {
      const end = nl + 1;
      if (isMarkerAt(text, start, end)) {
        if (start > piece) this.lines.push(text.slice(piece, start));
        this.takeLine(text.slice(start, end), out);
        piece = end;
      } else {
        this.addLine(text, start, end);
      }
      start = end;
      nl = text.indexOf('\n', start);
    }
    if (start > piece) this.lines.push(text.slice(piece, start));
    this.partial = text.slice(start);
    return out;
  }

  end(): RawDocument[] {
    const out: RawDocument[] = [];
    if (this.partial !== '') {
      this.takeLine(this.partial, out);
      this.partial = '';
    }
    // The last document is emitted if it has content, or if an explicit marker opened it.
    if (this.lineCount > 0 || this.marker !== undefined) this.flush(out);
    return out;
  }

  /** Counts the line text[start, end) (not a marker) into the current document; its text is the caller's to keep. */
  private addLine(text: string, start: number, end: number): void {
    this.lineNo++;
    if (this.lineCount === 0) {
      this.rawStart = this.lineNo;
      if (this.marker === undefined) this.docStartLine = this.lineNo;
    }
    this.lineCount++;
    this.size += end - start;
    if (this.firstContentLine === 0 && isContentLine(text.slice(start, end))) this.firstContentLine = this.lineNo;
  }

  private takeLine(line: string, out: RawDocument[]): void {
    if (!isMarkerAt(line, 0, line.length)) {
      this.addLine(line, 0, line.length);
      this.lines.push(line);
      return;
    }
    this.lineNo++;
    // Lines before the first marker that hold only directives/comments/blanks belong to the
    // next document (e.g. `%YAML 1.2` then `---`); any content makes them a document of their own.
    if (this.lineCount > 0 || this.marker !== undefined) this.flush(out);
    const rest = line.slice(3);
    if (line[0] === '-') {
      this.marker = line.replace(/\r?\n$/, '');
      this.docStartLine = this.lineNo;
      if (rest.trim() !== '' && !rest.trim().startsWith('#')) {
        this.lines = [rest];
        this.lineCount = 1;
        this.firstContentLine = this.rawStart = this.lineNo;
      }
    } else {
      // `...` ends a document; what follows starts a new implicit one.
      this.marker = undefined;
      this.docStartLine = this.lineNo + 1;
    }
  }

  private flush(out: RawDocument[]): void {
    const raw = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    const hasContent = this.firstContentLine !== 0;
    if (hasContent) this.count++;
    const startLine = this.lineCount > 0 ? this.rawStart : this.docStartLine;
    out.push({
      index: hasContent ? this.count : 0,
      line: hasContent ? this.firstContentLine : this.docStartLine,
      startLine,
      raw,
      marker: this.marker,
      hasContent,
    });
    this.lines = [];
    this.lineCount = 0;
    this.size = 0;
    this.marker = undefined;
    this.firstContentLine = 0;
    this.rawStart = 0;
    this.docStartLine = this.lineNo + 1;
  }
}

/**
 * Whether the line text[start, end) is a marker line: `---` or `...` at column 0, followed by
 * white space, a line break or the end of the line (the MARKER pattern).
 */
function isMarkerAt(text: string, start: number, end: number): boolean {
  const c = text.charCodeAt(start);
  if ((c !== 0x2d && c !== 0x2e) || end - start < 3 || text.charCodeAt(start + 1) !== c || text.charCodeAt(start + 2) !== c) return false;
  if (start + 3 === end) return true;
  const next = text.charCodeAt(start + 3);
  return next === 0x20 || next === 0x09 || next === 0x0d || next === 0x0a;
}

/**
 * Whether a document must be parsed: it has content, or it carries directives (`%YAML 1.2`), which
 * can be wrong on their own (a repeated directive).
 */
export function needsParse(doc: RawDocument): boolean {
  return doc.hasContent || /^%/m.test(doc.raw);
}

/** Splits a whole stream held in memory. */
export function splitDocuments(text: string): RawDocument[] {
  const s = new DocumentSplitter();
  return [...s.push(text), ...s.end()];
}

export interface ParseLimits {
  /** Maximum nesting of mappings and sequences. */
  maxDepth: number;
  /** Maximum nodes after alias expansion, as a multiple of the document's length plus a floor. */
  expansionFactor: number;
  expansionFloor: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxDepth: 100, expansionFactor: 4, expansionFloor: 10_000 };

// YAML 1.2 core schema plus merge keys (`<<`), as Kubernetes' YAML reader has them. The default
// schema would turn `2017-10-10` into a Date; Kubernetes keeps it a string.
const mergeType = (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;
const SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [mergeType] });

export type ParseResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

function placeOf(source: string, doc: RawDocument, line?: number, column?: number): Place {
  return { source, document: doc.index || undefined, line: line ?? doc.line, column };
}

// C0 controls other than tab, LF and CR, and DEL: a sign of binary data, not text.
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;

/** Parses one document's text. Never throws: every failure is a problem with its place. */
export function parseDocument(source: string, doc: RawDocument, limits: ParseLimits = DEFAULT_LIMITS): ParseResult {
  const bad = BINARY.exec(doc.raw);
  if (bad) {
    const before = doc.raw.slice(0, bad.index);
    const line = doc.startLine + countNewlines(before);
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0');
    return { ok: false, problem: { place: placeOf(source, doc, line), message: `binary data (character 0x${code}) is not YAML or JSON text` } };
  }
  if (isJsonStream(doc)) {
    const problem = jsonSyntaxProblem(doc);
    if (problem) return { ok: false, problem: { place: placeOf(source, doc, problem.line, problem.column), message: problem.message } };
  }
  let value: unknown;
  try {
    // A chunk of directives alone (`%YAML 1.2`) belongs to the next document: parse it with the
    // `---` that follows it in the stream, so that only a wrong directive is an error.
    const text = !doc.hasContent && /^%/m.test(doc.raw) ? `${doc.raw.endsWith('\n') ? doc.raw : doc.raw + '\n'}---\n` : doc.raw;
    value = yaml.load(text, { schema: SCHEMA, filename: source, maxDepth: limits.maxDepth } as yaml.LoadOptions);
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const mark = (e as yaml.YAMLException & { mark?: { line: number; column: number; position: number } }).mark;
      let line = mark ? doc.startLine + mark.line : doc.line;
      let column = mark ? mark.column + 1 : undefined;
      // js-yaml appends a newline to text without one, so an error at the end of such a document
      // is marked on a line past its last: point just after the last character instead.
      const lastLine = doc.startLine + countNewlines(doc.raw) - (doc.raw.endsWith('\n') ? 1 : 0);
      if (line > lastLine && !doc.raw.endsWith('\n')) {
        line = lastLine;
        column = doc.raw.length - doc.raw.lastIndexOf('\n');
      }
      const reason = e.reason || 'invalid YAML';
      if (/maxDepth/.test(reason)) {
        return { ok: false, problem: { place: placeOf(source, doc, line, column), message: `document is nested too deeply (limit ${limits.maxDepth})` } };
      }
      if (/maxTotalMergeKeys/.test(reason)) {
        return { ok: false, problem: { place: placeOf(source, doc, line, column), message: 'too many merge keys (alias bomb?); refused' } };
      }
      if (/duplicated mapping key/.test(reason)) {
        const key = mark ? /^\s*["']?([^"':\n]*)/.exec(doc.raw.slice(mark.position))?.[1] : undefined;
        return { ok: false, problem: { place: placeOf(source, doc, line, column), message: key ? `duplicate key "${key.trim()}"` : 'duplicate key' } };
      }
      return { ok: false, problem: { place: placeOf(source, doc, line, column), message: `YAML syntax error: ${reason}` } };
    }
    if (e instanceof RangeError) {
      return { ok: false, problem: { place: placeOf(source, doc), message: `document is nested too deeply (limit ${limits.maxDepth})` } };
    }
    return { ok: false, problem: { place: placeOf(source, doc), message: `cannot parse document: ${(e as Error).message}` } };
  }
  const guard = mayNeedGuard(doc.raw, limits) ? checkTree(value, limits, doc.raw.length) : undefined;
  if (guard) return { ok: false, problem: { place: placeOf(source, doc), message: guard } };
  return { ok: true, value };
}

/**
 * Whether checkTree can find anything in what js-yaml read from `raw`. It cannot when the text has
 * no alias (`*`), no escape (`\\`) and no `__proto__`:
 * - without aliases every node is read from its own text, so there are at most length + 1 of them
 *   (a node takes at least one character, the root aside), within the budget when the budget is
 *   at least twice that, as the default limits always are;
 * - without aliases js-yaml's maxDepth, which we give it and which counts every node it reads,
 *   scalars too, has already refused any collection as deep as checkTree's limit;
 * - a `__proto__` key can only come from its own letters, or from escapes in a double-quoted key.
 */
function mayNeedGuard(raw: string, limits: ParseLimits): boolean {
  if (limits.expansionFloor + limits.expansionFactor * raw.length < 2 * raw.length + 2) return true;
  return raw.includes('*') || raw.includes('\\') || raw.includes('__proto__');
}

/**
 * A stream whose first character (after white space) is `{` or `[` is JSON, as kubectl reads it
 * (its YAMLOrJSONDecoder sniffs the start of the stream), and is held to JSON's syntax: js-yaml
 * would accept a trailing comma or an unquoted key as a YAML flow collection.
 */
function isJsonStream(doc: RawDocument): boolean {
  return doc.startLine === 1 && doc.marker === undefined && /^\s*[{[]/.test(doc.raw);
}

/** Where and why the document is not JSON; undefined when it is. */
function jsonSyntaxProblem(doc: RawDocument): { line: number; column?: number; message: string } | undefined {
  try {
    JSON.parse(doc.raw);
    return undefined;
  } catch (e) {
    const text = (e as Error).message;
    const at = /at position (\d+)/.exec(text);
    const reason = text.replace(/( in JSON)? at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    // V8 gives no position for an unexpected token; a trailing comma is the usual one.
    const trailing = at ? undefined : /,\s*[}\]]/.exec(doc.raw);
    if (!at && !trailing) return { line: doc.line, message: `JSON syntax error: ${reason}` };
    const pos = at ? Number(at[1]) : trailing!.index;
    const message = `JSON syntax error: ${trailing ? `${reason} (a trailing comma?)` : reason}`;
    const before = doc.raw.slice(0, pos);
    return { line: doc.startLine + countNewlines(before), column: pos - before.lastIndexOf('\n'), message };
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Walks a parsed value as a consumer would (aliases expanded) and refuses what no manifest needs:
 * nesting deeper than the limit, alias expansion out of proportion to the text (an alias bomb),
 * and `__proto__` keys. Returns the problem, or undefined.
 */
export function checkTree(value: unknown, limits: ParseLimits, textLength: number): string | undefined {
  const budget = limits.expansionFloor + limits.expansionFactor * textLength;
  let nodes = 0;
  // Iterative, so a deep document cannot overflow the stack here: a stack of values and, beside
  // it, their depths (no pair allocated per node).
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (++nodes > budget) return `document expands to more than ${budget} nodes (alias bomb?); refused`;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limits.maxDepth) return `document is nested too deeply (limit ${limits.maxDepth})`;
    if (Array.isArray(v)) {
      for (const x of v) {
        values.push(x);
        depths.push(depth + 1);
      }
    } else {
      for (const k of Object.keys(v)) {
        if (k === '__proto__') return 'key "__proto__" is not allowed';
        values.push((v as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

/** A parsed document with a value: what the commands work on. */
export interface SourceDocument {
  source: string;
  /** The document as text, from the stream. */
  doc: RawDocument;
  /** For an item of a `List`, its 1-based position. */
  item?: number;
  value: unknown;
}

export function documentPlace(d: SourceDocument): Place {
  return { source: d.source, document: d.doc.index || undefined, line: d.doc.line || undefined, item: d.item };
}

function isListObject(v: unknown): v is { kind: string; items: unknown[] } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && /List$/.test(o.kind) && Array.isArray(o.items);
}

/**
 * Parses every document of an in-memory stream: the values of documents with content (the items
 * of a `List` each as its own), and every problem.
 */
export function parseStream(source: string, text: string, limits: ParseLimits = DEFAULT_LIMITS): { documents: SourceDocument[]; problems: Problem[] } {
  const documents: SourceDocument[] = [];
  const problems: Problem[] = [];
  for (const doc of splitDocuments(text)) addDocument(source, doc, documents, problems, limits);
  return { documents, problems };
}

/** Parses one raw document into `documents` (expanding a List) or records its problem. */
export function addDocument(source: string, doc: RawDocument, documents: SourceDocument[], problems: Problem[], limits: ParseLimits = DEFAULT_LIMITS): void {
  if (!needsParse(doc)) return;
  const r = parseDocument(source, doc, limits);
  if (!r.ok) {
    problems.push(r.problem);
    return;
  }
  if (r.value === null || r.value === undefined) return;
  if (isListObject(r.value)) {
    r.value.items.forEach((value, i) => documents.push({ source, doc, item: i + 1, value }));
    return;
  }
  documents.push({ source, doc, value: r.value });
}
