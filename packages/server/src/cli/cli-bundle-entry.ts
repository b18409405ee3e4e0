/** What the entry of the CLI's bundle (`dist/cli/bundle/tessera.bundle.cjs`, built by `scripts/bundle-cli.mjs`) exports: `runCli`. */
export { runCli } from './run-cli.js';
