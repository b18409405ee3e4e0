// Builds the CLI's bundle, packages/server/dist/cli/bundle/ (see src/cli/fast-start.cts), from the compiled
// modules: everything but the native SQLite drivers and pg's optional native binding. An entry file and
// chunks: what a command loads lazily (the server, jsforce, undici, pg) is a chunk of its own, read only
// when asked for, so a command such as `secrets list` reads and compiles the part it runs.
import { rmSync } from 'node:fs';
import { build } from 'rolldown';

const root = new URL('..', import.meta.url).pathname;
const dir = `${root}packages/server/dist/cli/bundle`;
rmSync(dir, { recursive: true, force: true });
// The one-file bundle of earlier builds.
rmSync(`${root}packages/server/dist/cli/tessera.bundle.cjs`, { force: true });
await build({
  input: `${root}packages/server/dist/cli/cli-bundle-entry.js`,
  platform: 'node',
  logLevel: 'warn',
  external: [/^better-sqlite3/, 'pg-native'],
  // Without comments or whitespace (less to read and compile at each start); names kept, so errors and
  // classes are named as in the modules.
  output: {
    format: 'cjs',
    dir,
    entryFileNames: 'tessera.bundle.cjs',
    chunkFileNames: '[name]-[hash].cjs',
    sourcemap: false,
    comments: false,
    keepNames: true,
    minify: { compress: false, mangle: false },
  },
});
