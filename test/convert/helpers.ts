// Shared by the convert tests: the golden cases of fixtures/convert, and converting text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { parseStream } from '../../src/core/stream.ts';
import { formatProblem } from '../../src/core/errors.ts';
import { convertDocuments, type ConvertOptions, type ConvertResult } from '../../src/core/convert/index.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const fixtures = join(root, 'fixtures/convert');

/** Converts a stream held in memory (the stream must parse). */
export function convertText(text: string, opts: Partial<ConvertOptions> = {}, source = '<input>'): ConvertResult {
  const parsed = parseStream(source, text);
  if (parsed.problems.length > 0) throw new Error(`the test input does not parse: ${parsed.problems.map(formatProblem).join('; ')}`);
  return convertDocuments(parsed.documents, { defaultNamespace: 'default', ...opts });
}

/** Warnings or problems as the CLI would print them, one per line. */
export function lines(problems: ConvertResult['warnings']): string {
  return problems.map((p) => `${formatProblem(p)}\n`).join('');
}

export interface GoldenCase {
  name: string;
  /** The input, relative to fixtures/convert. */
  input: string;
  options: Partial<ConvertOptions>;
  converted: string;
  warnings: string;
  problems: string;
  /** The files of fixtures/convert the case reads. */
  uses: string[];
}

/**
 * Cases: every NAME.yaml input (with NAME.options beside it, if any), and every NAME.options with
 * an `input:` line of its own. NAME.options is YAML: `input` and the ConvertOptions.
 */
export function goldenCases(): GoldenCase[] {
  const files = readdirSync(fixtures).sort();
  const cases: GoldenCase[] = [];
  for (const f of files) {
    const m = /^(.*)\.(ya?ml|json|options)$/.exec(f);
    if (!m) continue;
    const name = m[1]!;
    const optionsFile = `${name}.options`;
    const hasInput = files.some((g) => g === `${name}.yaml` || g === `${name}.json`);
    if (m[2] === 'options' && hasInput) continue; // the input's case reads it
    const uses: string[] = [];
    let options: Record<string, unknown> = {};
    if (existsSync(join(fixtures, optionsFile))) {
      options = (yaml.load(readFileSync(join(fixtures, optionsFile), 'utf8')) ?? {}) as Record<string, unknown>;
      uses.push(optionsFile);
    }
    const { input: from, ...rest } = options;
    const input = m[2] === 'options' ? String(from) : f;
    if (m[2] === 'options' && from === undefined) throw new Error(`${optionsFile}: no input (NAME.yaml beside it, or an "input:" line)`);
    if (!input.startsWith('../')) uses.push(input);
    const golden = m[2] === 'options' ? `${name}.yaml` : f;
    cases.push({ name, input, options: rest as Partial<ConvertOptions>, converted: `${golden}.converted`, warnings: `${golden}.warnings`, problems: `${golden}.problems`, uses });
  }
  return cases;
}
