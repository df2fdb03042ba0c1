// The pure core as a library entry (dist/core.js): used by the benchmarks, and by anyone who wants
// the reader, the validation or the CIDR arithmetic without the CLI.
export * from './stream.ts';
export * from './cidr.ts';
export * from './kinds/egressrule.ts';
export * from './objects.ts';
export * from './kinds/registry.ts';
export * from './analysis.ts';
export * from './errors.ts';
