/** What the one-file bundle of the CLI (`dist/cli/tessera.bundle.cjs`, built by `scripts/bundle-cli.mjs`) exports: `runCli`. */
export { runCli } from './run-cli.js';
