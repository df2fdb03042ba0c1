// Warnings and problems of one conversion, each at the input's place with the field path, kept in
// input order. Pure.
import { documentPlace, type SourceDocument } from '../stream.ts';
import type { Problem } from '../errors.ts';

interface Note {
  index: number;
  seq: number;
  problem: Problem;
}

/** `Kind/namespace/name` of a source, as kube-inject names objects in its warnings. */
export function describe(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export class Notes {
  private readonly warnings: Note[] = [];
  private readonly problems: Note[] = [];
  private seq = 0;

  /** `order` gives a document's position in the input. */
  constructor(private readonly order: (d: SourceDocument) => number) {}

  warn(d: SourceDocument, who: string, path: string, text: string): void {
    this.warnings.push(this.note(d, who, path, text));
  }

  problem(d: SourceDocument, who: string, path: string, text: string): void {
    this.problems.push(this.note(d, who, path, text));
  }

  get problemCount(): number {
    return this.problems.length;
  }

  result(): { warnings: Problem[]; problems: Problem[] } {
    return { warnings: sorted(this.warnings), problems: sorted(this.problems) };
  }

  private note(d: SourceDocument, who: string, path: string, text: string): Note {
    const message = [who, path, text].filter((s) => s !== '').join(': ');
    return { index: this.order(d), seq: this.seq++, problem: { place: documentPlace(d), message } };
  }
}

function sorted(notes: Note[]): Problem[] {
  return [...notes].sort((a, b) => a.index - b.index || a.seq - b.seq).map((n) => n.problem);
}
