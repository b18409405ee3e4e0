/**
 * The quick way a CLI command starts: from the one-file bundle of the CLI, compiled once and then
 * loaded from V8's code cache, instead of from the 500-odd modules it is made of. Taken only when the
 * command loads nothing from outside Tessera: `serve`, and any command that may load plugins (named by
 * `--plugin`, `TESSERA_PLUGINS` or a `tessera.config.json` in the data directory), run from the modules
 * themselves, so that plugins bind to the same copies of inversify and `@tessera/core` as Tessera does.
 * Node built-ins only here: this file is all a command loads before it knows which way it goes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), 'tessera.bundle.cjs');

type RunCli = (argv: readonly string[]) => Promise<number>;

/** Whether this command may load something from outside Tessera (or is `serve`): then it runs from the modules. */
export function needsModules(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
  if (env.TESSERA_CLI_BUNDLE === '0' || (env.TESSERA_PLUGINS ?? '').trim() !== '') return true;
  let dataDir = env.TESSERA_DATA_DIR?.trim() || './data';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === 'serve' || arg === '--plugin' || arg.startsWith('--plugin=')) return true;
    if (arg === '--data-dir') dataDir = argv[i + 1] ?? dataDir;
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
  }
  // Whatever it says: the CLI reads it (and reports a broken one) the one way.
  return existsSync(join(resolve(cwd, dataDir), 'tessera.config.json'));
}

/** Runs the command from the bundle and resolves with its exit code; undefined when it must run from the modules. */
export async function fastStart(argv: readonly string[]): Promise<number | undefined> {
  if (needsModules(argv, process.env, process.cwd()) || !bundleIsCurrent()) return undefined;
  return loadBundle()(argv);
}

/** The packages' TypeScript build records, rewritten by every `tsc -b` that builds them (absent from a published package). */
const BUILD_RECORDS = ['core', 'webhooks', 'connectors', 'server'].map((name) => join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', name, 'tsconfig.tsbuildinfo'));

/** The bundle exists and is not older than a build of the modules (after a bare `tsc -b`, they are what runs). */
function bundleIsCurrent(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  return BUILD_RECORDS.every((record) => !existsSync(record) || statSync(record).mtimeMs <= built);
}

function loadBundle(): RunCli {
  const source = readFileSync(BUNDLE, 'utf8');
  const stat = statSync(BUNDLE);
  const key = createHash('sha256').update(`${process.version}\0${process.arch}\0${BUNDLE}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 24);
  const cacheDir = join(tmpdir(), `tessera-cli-cache-${process.getuid?.() ?? 'user'}`);
  const cacheFile = join(cacheDir, `${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run of this build: compiled now, cached at exit.
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, ...(cachedData && { cachedData }) });
  const module = { exports: {} as { runCli?: RunCli } };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // After the command, so the cache holds every function it compiled; a cache that cannot be written is only slower.
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
      } catch {
        // Read-only or full: the next command compiles again.
      }
    });
  }
  if (typeof module.exports.runCli !== 'function') throw new Error(`${BUNDLE} does not export runCli: rebuild with npm run build.`);
  return module.exports.runCli;
}
