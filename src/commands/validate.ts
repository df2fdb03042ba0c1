// egressctl validate: offline, every problem with its place, plus the cross-rule analysis.
//
// Documents are read, parsed and checked one at a time; only a small summary of each rule is kept
// for the analysis, so memory follows the largest document, not the stream.
import { VALIDATE } from './catalog.ts';
import { Command } from 'commander';
import type { IO } from '../io/streams.ts';
import { AlreadyReported, InputError, UsageError, type Problem } from '../core/errors.ts';
import { addDocument, type SourceDocument } from '../core/stream.ts';
import { StreamValidator } from '../core/objects.ts';
import { analyzeObjects, type AnalysisObject } from '../core/analysis.ts';
import { expandFiles, readRawDocuments } from '../io/input.ts';
import { printProblems } from '../print/problems.ts';
import { addGlobalOptions, collect, makeContext, type Context } from './common.ts';
import { offlineNamespace } from './read-objects.ts';

export interface ValidateOptions {
  files: string[];
  strict: boolean;
  cluster: boolean;
  namespace?: string;
  /** Where objects naming no namespace go (the context's, else `default`). */
  defaultNamespace?: string;
}

export interface ValidateResult {
  objects: number;
  errors: Problem[];
  warnings: Problem[];
}

/** Checks the options without I/O. */
export function checkValidateOptions(o: ValidateOptions, args: readonly string[]): void {
  if (args.length > 0) throw new UsageError('validate takes no arguments');
  if (o.files.length === 0) throw new UsageError('filename not specified (see --filename or -f)');
}

/** Reads, validates and analyses every document of every input. */
export async function runValidate(o: ValidateOptions, io: IO, stored: (input: readonly AnalysisObject[]) => Promise<AnalysisObject[]> = async () => []): Promise<ValidateResult> {
  const { paths, problems: errors } = await expandFiles(o.files, io);
  const kindWarnings: Problem[] = [];
  const validator = new StreamValidator({ namespace: o.namespace, defaultNamespace: o.defaultNamespace });
  const defaultNamespace = o.namespace ?? o.defaultNamespace ?? 'default';
  const summaries: AnalysisObject[] = [];
  let objects = 0;
  for (const path of paths) {
    try {
      for await (const { source, doc } of readRawDocuments(path, io)) {
        const documents: SourceDocument[] = [];
        addDocument(source, doc, documents, errors);
        for (const d of documents) {
          objects++;
          const r = validator.check(d);
          errors.push(...r.problems);
          kindWarnings.push(...r.warnings);
          if (r.valid) {
            const { object } = r.valid;
            summaries.push({ kind: object.kind, namespace: object.metadata.namespace ?? defaultNamespace, name: object.metadata.name, spec: object.spec, place: { source, document: doc.index, line: doc.line, item: d.item } });
          }
        }
      }
    } catch (e) {
      if (e instanceof InputError) errors.push(...e.problems);
      else throw e;
    }
  }
  if (objects === 0 && errors.length === 0) errors.push({ place: { source: o.files.join(', ') }, message: 'no objects passed to validate' });
  if (errors.length === 0 || objects > 0) summaries.push(...(await stored(summaries)));
  return { objects, errors, warnings: [...kindWarnings, ...analyzeObjects(summaries)] };
}

export function registerValidate(program: Command, io: IO): void {
  const cmd = program
    .command(VALIDATE.name)
    .description(VALIDATE.description)
    .option('-f, --filename <file>', 'file, directory or - for standard input (repeatable)', collect, [])
    .option('--strict', 'exit 1 on warnings too', false)
    .option('--cluster', 'also analyse together with the rules stored in the cluster', false);
  addGlobalOptions(cmd, { cluster: true });
  cmd.addHelpText('after', `
Examples:
  # Check the rules of the "Control Egress TCP Traffic" task before creating them
  egressctl validate -f wikipedia-rules.yaml

  # From a heredoc or a pipe
  cat wikipedia-rules.yaml | egressctl validate -f -

  # Check new rules against those already in the cluster
  egressctl validate -f new-rules.yaml --cluster`);
  cmd.action(async (raw: Record<string, unknown>, command: Command) => {
    const ctx = makeContext(io, raw);
    const o: ValidateOptions = { files: raw.filename as string[], strict: raw.strict === true, cluster: raw.cluster === true, namespace: ctx.global.namespace };
    checkValidateOptions(o, command.args);
    o.defaultNamespace = await offlineNamespace(ctx, o.namespace);
    const result = await runValidate(o, io, o.cluster ? (input) => clusterRules(ctx, input) : undefined);
    printProblems(io.stderr, ctx.colors, 'error', result.errors);
    printProblems(io.stderr, ctx.colors, 'warning', result.warnings);
    const summary = `${result.objects} object${result.objects === 1 ? '' : 's'} checked: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`;
    io.stdout.write(summary + '\n');
    if (result.errors.length > 0 || (o.strict && result.warnings.length > 0)) throw new AlreadyReported(1);
  });
}

async function clusterRules(ctx: Context, input: readonly AnalysisObject[]): Promise<AnalysisObject[]> {
  const { storedObjects } = await import('./validate-cluster.ts');
  return storedObjects(ctx, input);
}
