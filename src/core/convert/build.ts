// The state of one conversion: the options settled, the notes, and the objects made so far. Pure.
import type { SourceDocument } from '../stream.ts';
import { DEFAULT_DOMAIN } from './hosts.ts';
import type { Notes } from './notes.ts';
import type { ConvertOptions, OutputObject } from './types.ts';

export class Build {
  readonly domain: string;
  readonly tlsPassthrough: boolean;
  readonly objects: OutputObject[] = [];
  /** Work that needs the final names (a VirtualService naming its Gateway). */
  readonly afterNaming: Array<() => void> = [];
  private seq = 0;

  constructor(
    readonly opts: ConvertOptions,
    readonly notes: Notes,
    /** A document's position in the input. */
    readonly order: (d: SourceDocument) => number,
  ) {
    this.domain = opts.domain || DEFAULT_DOMAIN;
    this.tlsPassthrough = opts.tlsPassthrough === true;
  }

  /** Records an object to write; its final name is settled by the naming pass. */
  add(o: Omit<OutputObject, 'name' | 'seq'>): OutputObject {
    const full: OutputObject = { ...o, name: o.baseName, seq: this.seq++ };
    this.objects.push(full);
    return full;
  }

  /** The sources in input order, duplicates dropped. */
  inOrder(sources: readonly SourceDocument[]): SourceDocument[] {
    return [...new Set(sources)].sort((a, b) => this.order(a) - this.order(b));
  }
}
