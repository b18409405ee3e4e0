/**
 * The quick way a CLI command starts: from the bundle of the CLI (an entry file and the chunks it
 * requires when a command needs them), each file compiled once and then loaded from V8's code cache,
 * instead of from the 500-odd modules it is made of. Taken only when the
 * command loads nothing from outside Tessera: `serve`, and any command that may load plugins (named by
 * `--plugin`, `TESSERA_PLUGINS` or a `tessera.config.json` in the data directory), run from the modules
 * themselves, so that plugins bind to the same copies of inversify and `@tessera/core` as Tessera does.
 * Node built-ins only here: this file is all a command loads before it knows which way it goes, and it is
 * CommonJS, so that the `tessera` executable (`bin/tessera.cjs`) starts without Node's ES module loader.
 */
import crypto = require('node:crypto');
import fs = require('node:fs');
import Module = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = fs;
const { join, resolve } = path;

const BUNDLE_DIR = join(__dirname, 'bundle');
const BUNDLE = join(BUNDLE_DIR, 'tessera.bundle.cjs');

const DAY_MS = 86_400_000;

type RunCli = (argv: readonly string[]) => Promise<number>;

/** Whether this command may load something from outside Tessera (or is `serve`): then it runs from the modules. */
function needsModules(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
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
async function fastStart(argv: readonly string[]): Promise<number | undefined> {
  if (needsModules(argv, process.env, process.cwd()) || !bundleIsCurrent()) return undefined;
  return loadBundle()(argv);
}

/** The packages' TypeScript build records, rewritten by every `tsc -b` that builds them (absent from a published package). */
const BUILD_RECORDS = ['core', 'webhooks', 'connectors', 'server'].map((name) => join(__dirname, '..', '..', '..', name, 'tsconfig.tsbuildinfo'));

/** The bundle exists and is not older than a build of the modules (after a bare `tsc -b`, they are what runs). */
function bundleIsCurrent(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  return BUILD_RECORDS.every((record) => !existsSync(record) || statSync(record).mtimeMs <= built);
}

function loadBundle(): RunCli {
  const cacheDir = join(os.tmpdir(), `tessera-cli-cache-${process.getuid?.() ?? 'user'}`);
  const unsaved: Array<{ file: string; script: vm.Script }> = [];
  const modules = new Map<string, { exports: Record<string, unknown> }>();
  const outside = Module.createRequire(BUNDLE);
  // The bundle's files require each other ('./name-hash.cjs'): each compiled through its own code cache.
  const load = (file: string): Record<string, unknown> => {
    const known = modules.get(file);
    if (known !== undefined) return known.exports;
    const module = { exports: {} as Record<string, unknown> };
    modules.set(file, module);
    const { script, cached } = compile(file, cacheDir);
    if (!cached) unsaved.push({ file, script });
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
    wrapper.call(module.exports, module.exports, bundleRequire, module, file, BUNDLE_DIR);
    return module.exports;
  };
  const bundleRequire = Object.assign((id: string): unknown => (id.startsWith('./') ? load(join(BUNDLE_DIR, id)) : outside(id)), {
    resolve: outside.resolve,
    cache: outside.cache,
    extensions: outside.extensions,
    main: outside.main,
  }) as NodeJS.Require;
  // After the command, so each cache holds every function it compiled; a cache that cannot be written is only slower.
  process.once('exit', () => {
    if (unsaved.length === 0) return;
    pruneCaches(cacheDir);
    for (const { file, script } of unsaved) saveCache(cacheFileOf(file, cacheDir), script, cacheDir);
  });
  const entry = load(BUNDLE) as { runCli?: RunCli };
  if (typeof entry.runCli !== 'function') throw new Error(`${BUNDLE} does not export runCli: rebuild with npm run build.`);
  return entry.runCli;
}

/** Where a bundle file's code cache is kept: a name that changes with Node, the machine and the file's build. */
function cacheFileOf(file: string, cacheDir: string): string {
  const stat = statSync(file);
  const key = crypto.createHash('sha256').update(`${process.version}\0${process.arch}\0${file}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 24);
  return join(cacheDir, `${key}.bin`);
}

function compile(file: string, cacheDir: string): { script: vm.Script; cached: boolean } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFileOf(file, cacheDir));
  } catch {
    // First run of this build: compiled now, cached at exit.
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, ...(cachedData && { cachedData }) });
  return { script, cached: cachedData !== undefined && script.cachedDataRejected !== true };
}

/** Caches of earlier builds go: any written more than a day ago (one still in use is written again by its next command). */
function pruneCaches(cacheDir: string): void {
  try {
    for (const name of readdirSync(cacheDir)) {
      const file = join(cacheDir, name);
      if (Date.now() - statSync(file).mtimeMs > DAY_MS) rmSync(file, { force: true });
    }
  } catch {
    // No cache directory yet, or not ours to clean: nothing to prune.
  }
}

function saveCache(cacheFile: string, script: vm.Script, cacheDir: string): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    // Read-only or full: the next command compiles again.
  }
}

export = { needsModules, fastStart };
