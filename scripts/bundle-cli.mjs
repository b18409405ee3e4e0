// Builds the CLI's one-file bundle, packages/server/dist/cli/tessera.bundle.cjs (see src/cli/fast-start.ts),
// from the compiled modules: everything but the native SQLite drivers and pg's optional native binding.
import { build } from 'rolldown';

const root = new URL('..', import.meta.url).pathname;
await build({
  input: `${root}packages/server/dist/cli/cli-bundle-entry.js`,
  platform: 'node',
  logLevel: 'warn',
  external: [/^better-sqlite3/, 'pg-native'],
  // One file: what a command loads lazily (the server, jsforce) is in it too, run only when asked for.
  // Without comments or whitespace (less to read and compile at each start); names kept, so errors and
  // classes are named as in the modules.
  output: { format: 'cjs', file: `${root}packages/server/dist/cli/tessera.bundle.cjs`, sourcemap: false, codeSplitting: false, comments: false, keepNames: true, minify: { compress: false, mangle: false } },
});
