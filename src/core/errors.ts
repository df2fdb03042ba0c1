// Small named errors, thrown from deep code and turned into text and exit codes only in src/cli.ts.

/** Where a problem is: the file (or `<stdin>`), the document's 1-based index and its first line. */
export interface Place {
  source: string;
  document?: number;
  line?: number;
  column?: number;
  /** For a document that was an item of a List: its 1-based position in `items`. */
  item?: number;
}

export function formatPlace(place: Place): string {
  let s = place.source;
  if (place.document !== undefined) {
    s += `: document ${place.document}`;
    if (place.item !== undefined) s += ` item ${place.item}`;
    if (place.line !== undefined) {
      s += place.column !== undefined ? ` (line ${place.line}, column ${place.column})` : ` (line ${place.line})`;
    }
  } else if (place.line !== undefined) {
    s += place.column !== undefined ? `:${place.line}:${place.column}` : `:${place.line}`;
  }
  return s;
}

/** One problem with the input, at a place. */
export interface Problem {
  place: Place;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${formatPlace(p.place)}: ${p.message}`;
}

/** Bad command-line usage: exit code 2 with the usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Input that cannot be used: every problem, each with its place. Exit code 1, nothing sent. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** A failure with a message meant for the user as it is (exit code 1). */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * The command has already said everything about its failure (validate's problem list, a batch's
 * line per object): exit with this code and print nothing more.
 */
export class AlreadyReported extends Error {
  override name = 'AlreadyReported';
  constructor(readonly exitCode = 1) {
    super(`already reported (exit ${exitCode})`);
  }
}
