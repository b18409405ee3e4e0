/**
 * The CLI starts from its bundle (an entry and lazily read chunks) and V8's code cache when a command loads nothing from outside
 * Tessera, and from its modules otherwise (`serve`, plugins), with the same answers either way.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateMasterKey } from '@tessera/core';
import fastStartModule from '../../packages/server/dist/cli/fast-start.cjs';

const { needsModules } = fastStartModule;
import { runTessera } from '../support/cli-process.js';
import { rememberSecret } from '../support/leak-audit.js';

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fast-start-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('tessera-cli-cache-')).flatMap((cache) => readdirSync(join(dir, cache)));

describe('the CLI start', () => {
  it('runs from the modules for serve and for anything that may load plugins', () => {
    const dir = scratch();
    expect(needsModules(['secrets', 'list'], {}, dir)).toBe(false);
    expect(needsModules(['serve'], {}, dir)).toBe(true);
    expect(needsModules(['--plugin', './p.mjs', 'secrets', 'list'], {}, dir)).toBe(true);
    expect(needsModules(['--plugin=./p.mjs', 'plugins', 'list'], {}, dir)).toBe(true);
    expect(needsModules(['secrets', 'list'], { TESSERA_PLUGINS: 'tessera-plugin-acme' }, dir)).toBe(true);
    expect(needsModules(['secrets', 'list'], { TESSERA_CLI_BUNDLE: '0' }, dir)).toBe(true);
    // A tessera.config.json in the data directory, wherever it is named from.
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'tessera.config.json'), '{ "plugins": [] }');
    expect(needsModules(['secrets', 'list'], {}, dir)).toBe(true);
    expect(needsModules(['secrets', 'list'], { TESSERA_DATA_DIR: join(dir, 'other') }, dir)).toBe(false);
    expect(needsModules(['--data-dir', join(dir, 'other'), 'secrets', 'list'], {}, dir)).toBe(false);
    expect(needsModules(['secrets', 'list', `--data-dir=${join(dir, 'data')}`], { TESSERA_DATA_DIR: join(dir, 'other') }, dir)).toBe(true);
  });

  it('answers the same from the bundle (cached after the first run) and from the modules', { timeout: 120_000 }, async () => {
    const dir = scratch();
    const [fast, slow] = [join(dir, 'tmp-fast'), join(dir, 'tmp-slow')];
    mkdirSync(fast);
    mkdirSync(slow);
    const env = { TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()) };
    const first = await runTessera(['secrets', 'list', '--json'], { ...env, TMPDIR: fast });
    expect(first).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    // One code cache per bundle file the command read: the entry and some chunks, not the server's or jsforce's.
    const cached = cacheFiles(fast);
    const bundleFiles = readdirSync(join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'bundle'));
    expect(cached.length).toBeGreaterThanOrEqual(2);
    expect(cached.length).toBeLessThan(bundleFiles.length);
    const again = await runTessera(['secrets', 'list', '--json'], { ...env, TMPDIR: fast });
    expect(again).toEqual(first);
    expect(cacheFiles(fast)).toEqual(cached);
    const modules = await runTessera(['secrets', 'list', '--json'], { ...env, TMPDIR: slow, TESSERA_CLI_BUNDLE: '0' });
    expect(modules).toEqual(first);
    expect(existsSync(slow) && cacheFiles(slow)).toEqual([]);
    // A usage error and its exit code, both ways.
    const wrong = await runTessera(['secrets', 'list', '--colour'], { ...env, TMPDIR: fast });
    expect(wrong.code).toBe(2);
    expect(await runTessera(['secrets', 'list', '--colour'], { ...env, TMPDIR: slow, TESSERA_CLI_BUNDLE: '0' })).toEqual(wrong);
  });

  it('loads only what the command needs: no server, routes, jsforce or winston for secrets list; winston once a line is logged', { timeout: 120_000 }, async () => {
    const dir = scratch();
    const record = join(dir, 'loads.json');
    const loads = async (env: Record<string, string>) => {
      const run = await runTessera(['secrets', 'list'], { ...env, TMPDIR: dir, TESSERA_RECORD_LOADS: record, NODE_OPTIONS: `--import ${join(import.meta.dirname, '..', 'fixtures', 'record-loads.mjs')}` });
      const { read, required } = JSON.parse(readFileSync(record, 'utf8')) as { read: string[]; required: string[] };
      const bundleFiles = read.filter((file) => file.includes('/dist/cli/bundle/'));
      return { run, bundleFiles, code: bundleFiles.map((file) => readFileSync(file, 'utf8')).join('\n'), winston: required.some((file) => file.includes('/node_modules/winston/')) };
    };
    // No key in the environment: the first run creates one and says so (a warning, through winston).
    const first = await loads({ TESSERA_DATA_DIR: join(dir, 'data') });
    expect(first.run.code).toBe(0);
    expect(first.run.stderr).toMatch(/^tessera: warn: Development mode: created a master key file/);
    expect(first.winston).toBe(true);
    const quiet = await loads({ TESSERA_DATA_DIR: join(dir, 'data') });
    expect(quiet.run).toMatchObject({ code: 0, stderr: '' });
    expect(quiet.bundleFiles.map((file) => file.split('/').pop())).toContain('tessera.bundle.cjs');
    // The code it read: no route declarations (their schemas are built only by a server), no fastify, no jsforce, no winston.
    const names = quiet.bundleFiles.map((file) => file.split('/').pop() as string);
    expect(names.filter((name) => /^(run-server|jsforce|transport)-/.test(name))).toEqual([]);
    const found = ['/api/webhooks/:id/activity', '/api/secrets/:id/token-activity', 'FST_ERR_', 'DerivedLogger'].filter((part) => quiet.code.includes(part));
    expect(found).toEqual([]);
    expect(quiet.winston).toBe(false);
  });

  it('answers the same through the executable npm links (bin/tessera.cjs, CommonJS): from the bundle, from the modules, with the exit codes', { timeout: 120_000 }, async () => {
    const dir = scratch();
    const env = { TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()), TMPDIR: dir };
    const bin = join(import.meta.dirname, '..', '..', 'packages', 'server', 'bin', 'tessera.cjs');
    const created = await runTessera(['secrets', 'create', '--kind', 'general', '--name', 'crm', '--url', 'https://auth.example.com/token', '--username', 'svc'], env, { input: `${rememberSecret('pw-for-bin-test')}\n` });
    expect(created.code).toBe(0);
    const listed = await runTessera(['secrets', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    expect(await runTessera(['secrets', 'list', '--json'], env, { bin })).toEqual(listed);
    expect(await runTessera(['secrets', 'list', '--json'], { ...env, TESSERA_CLI_BUNDLE: '0' }, { bin })).toEqual(listed);
    const wrong = await runTessera(['secrets', 'list', '--colour'], env, { bin });
    expect(wrong.code).toBe(2);
    expect(wrong).toEqual(await runTessera(['secrets', 'list', '--colour'], env));
  });

  it('runs from the modules when they were built after the bundle (a bare tsc -b), rather than old code', { timeout: 120_000 }, async () => {
    const dir = scratch();
    const record = join(import.meta.dirname, '..', '..', 'packages', 'webhooks', 'tsconfig.tsbuildinfo');
    const bundle = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'bundle', 'tessera.bundle.cjs');
    const { atime, mtime } = statSync(record);
    onTestFinished(() => utimesSync(record, atime, mtime));
    utimesSync(record, atime, new Date(statSync(bundle).mtimeMs + 60_000));
    const run = await runTessera(['secrets', 'list', '--json'], { TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_MASTER_KEY: rememberSecret(generateMasterKey()), TMPDIR: dir });
    expect(run).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(cacheFiles(dir)).toEqual([]);
  });
});
