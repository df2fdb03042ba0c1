// Property tests are reproducible in CI: one fixed seed, unless FC_SEED names another or is
// `random` (for exploring locally; a failure prints the seed to replay with FC_SEED=<seed>).
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20261124 });
