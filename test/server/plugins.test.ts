/**
 * Plugins (issue 13): a package written outside the repository, installed into a project's
 * node_modules and named only in TESSERA_PLUGINS, contributes a secret kind that a real `tessera serve`
 * and the CLI then offer and use; a local file comes in with --plugin or tessera.config.json; a plugin
 * that cannot be loaded stops the start, saying which and why.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { consolePage, launchChromium, signInToConsole } from '../support/chromium.js';
import { generateMasterKey } from '@tessera/core';
import { FakeTokenServer } from '../support/fake-token-server.js';
import { runTessera, type CliRun } from '../support/cli-process.js';
import { rememberSecret } from '../support/leak-audit.js';
import { startServeProcess } from '../support/serve-process.js';
import { randomCredential } from '../support/start-test-tessera.js';

const REPO = join(import.meta.dirname, '..', '..');

/** A plugin as its author would publish it: ESM, inversify and @tessera/core as peers from the host project. */
const PLUGIN_SOURCE = `
import { ContainerModule } from 'inversify';
import { CORE, field } from '@tessera/core';

const acmeKind = {
  id: 'acme-client',
  label: 'Acme client credentials',
  description: 'OAuth client credentials for the Acme API.',
  fields: [
    { name: 'url', label: 'Token URL', type: 'url', required: true, sensitive: false },
    { name: 'clientId', label: 'Client id', type: 'text', required: true, sensitive: false },
    { name: 'clientSecret', label: 'Client secret', type: 'text', required: true, sensitive: true },
  ],
  defaults: { encoding: 'form', scopeFormat: 'space' },
  lifetime: { requireExpiresIn: true },
  bodyParameters: (params) => ({ grant_type: 'client_credentials', client_id: field(params, 'clientId'), client_secret: field(params, 'clientSecret') }),
};

export const tesseraPlugin = {
  name: 'tessera-plugin-acme',
  version: '1.2.0',
  modules: [new ContainerModule(({ bind }) => { bind(CORE.SecretKind).toConstantValue(acmeKind); })],
};
`;

/** A product's directory with the plugin installed in node_modules (its peers linked to this repository's). */
function projectWithPlugin(): string {
  const project = mkdtempSync(join(tmpdir(), 'tessera-project-'));
  onTestFinished(() => rmSync(project, { recursive: true, force: true }));
  const pkg = join(project, 'node_modules', 'tessera-plugin-acme');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'tessera-plugin-acme', version: '1.2.0', type: 'module', exports: './index.js', peerDependencies: { '@tessera/core': '*', inversify: '*' } }));
  writeFileSync(join(pkg, 'index.js'), PLUGIN_SOURCE);
  mkdirSync(join(project, 'node_modules', '@tessera'), { recursive: true });
  symlinkSync(join(REPO, 'packages', 'core'), join(project, 'node_modules', '@tessera', 'core'), 'dir');
  symlinkSync(join(REPO, 'node_modules', 'inversify'), join(project, 'node_modules', 'inversify'), 'dir');
  return project;
}

function env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { TESSERA_DATA_DIR: dataDir, TESSERA_ALLOW_PRIVATE: 'true', ...extra };
}

function tessera(cwd: string, args: string[], vars: Record<string, string>, input = ''): Promise<CliRun> {
  return runTessera(args, vars, { cwd, input });
}

describe('plugins', () => {
  it('loads an installed package named only in TESSERA_PLUGINS: its kind is offered, created, tested and listed by the server, the console and the CLI', { timeout: 120_000 }, async () => {
    const project = projectWithPlugin();
    const dataDir = join(project, 'data');
    const adminToken = rememberSecret('tsa_plugins_' + generateMasterKey().replace(/[^A-Za-z0-9]/g, ''));
    const vars = env(dataDir, { TESSERA_PLUGINS: 'tessera-plugin-acme', TESSERA_ADMIN_TOKEN: adminToken, TESSERA_MASTER_KEY: generateMasterKey() });
    const tokenServer = await FakeTokenServer.start();
    onTestFinished(() => tokenServer.close());

    const server = await startServeProcess(vars, adminToken, { cwd: project });
    expect(server.output()).toContain('plugins: tessera-plugin-acme 1.2.0 (kinds: acme-client)');
    const plugins = await server.api<unknown[]>('GET', '/api/plugins');
    expect(plugins).toEqual({
      status: 200,
      body: [{ name: 'tessera-plugin-acme', version: '1.2.0', specifier: 'tessera-plugin-acme', path: expect.stringMatching(/node_modules\/tessera-plugin-acme\/index\.js$/), secretKinds: ['acme-client'] }],
    });
    const kinds = await server.api<Array<{ id: string; fields: Array<{ name: string; sensitive: boolean }> }>>('GET', '/api/secret-kinds');
    expect(kinds.body.map((k) => k.id)).toEqual(['general', 'microsoft-graph', 'salesforce', 'acme-client']);
    const clientSecret = randomCredential('acme');
    const created = await server.api<{ id: string; kindKnown: boolean; params: Record<string, unknown> }>('POST', '/api/secrets', {
      name: 'acme-prod',
      kind: 'acme-client',
      params: { url: tokenServer.tokenUrl, clientId: 'tessera-app', clientSecret },
    });
    expect(created).toMatchObject({ status: 201, body: { kindKnown: true, params: { clientId: 'tessera-app', clientSecret: '••••' } } });
    const tested = await server.api<{ ok: boolean }>('POST', `/api/secrets/${created.body.id}/test`);
    expect(tested).toMatchObject({ status: 200, body: { ok: true } });
    expect(new URLSearchParams(tokenServer.requests[0]!.body).get('client_secret')).toBe(clientSecret);
    // The console, in Chromium: the plugin's kind in the Type list with its fields, and its secret listed.
    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const { page, problems } = await consolePage(browser);
    await signInToConsole(page, server.url, adminToken);
    await expect.poll(() => page.getByRole('row', { name: /acme-prod/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Acme client credentials' });
    await expect.poll(() => page.getByLabel('Client id').count()).toBe(1);
    expect(await page.getByLabel('Client secret').getAttribute('type')).toBe('password');
    expect(problems).toEqual([]);
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;

    const listed = await tessera(project, ['plugins', 'list'], vars);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/tessera-plugin-acme\s+1\.2\.0\s+acme-client\s+\S+index\.js/);
    // The kind's own field flags, its sensitive field from stdin.
    const made = await tessera(project, ['secrets', 'create', '--kind', 'acme-client', '--name', 'acme-test', '--url', tokenServer.tokenUrl, '--client-id', 'cli-app'], vars, `${randomCredential('acme')}\n`);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const secrets = await tessera(project, ['secrets', 'list'], vars);
    expect(secrets.stdout).toMatch(/acme-prod\s+acme-client\s/);
    expect(secrets.stdout).toMatch(/acme-test\s+acme-client\s/);
  });

  it('loads a local file named by --plugin or by tessera.config.json, resolved from the working directory', { timeout: 120_000 }, async () => {
    const project = projectWithPlugin();
    writeFileSync(join(project, 'local-plugin.mjs'), PLUGIN_SOURCE.replace("name: 'tessera-plugin-acme'", "name: 'local-acme'"));
    const dataDir = join(project, 'data');
    const vars = env(dataDir, { TESSERA_MASTER_KEY: generateMasterKey() });
    const byFlag = await tessera(project, ['--plugin', './local-plugin.mjs', 'plugins', 'list', '--json'], vars);
    expect(byFlag.code).toBe(0);
    expect(JSON.parse(byFlag.stdout)).toEqual([expect.objectContaining({ name: 'local-acme', specifier: './local-plugin.mjs', path: join(project, 'local-plugin.mjs') })]);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'tessera.config.json'), JSON.stringify({ plugins: ['./local-plugin.mjs'] }));
    const byFile = await tessera(project, ['plugins', 'list', '--json'], vars);
    expect(JSON.parse(byFile.stdout).map((p: { name: string }) => p.name)).toEqual(['local-acme']);
    // Named twice, by the file and a flag: loaded once.
    const both = await tessera(project, ['--plugin', './local-plugin.mjs', 'plugins', 'list', '--json'], vars);
    expect(JSON.parse(both.stdout)).toHaveLength(1);
  });

  it('stops the start when a plugin cannot be loaded, naming it and why', { timeout: 120_000 }, async () => {
    const project = projectWithPlugin();
    writeFileSync(join(project, 'not-a-plugin.mjs'), 'export const something = 1;\n');
    writeFileSync(join(project, 'broken-plugin.mjs'), "export const tesseraPlugin = { name: 'broken', version: '1', modules: [{}] };\n");
    writeFileSync(join(project, 'throws.mjs'), "throw new Error('the plugin needs ACME_REGION');\n");
    const importOnly = join(project, 'node_modules', 'tessera-plugin-import-only');
    mkdirSync(importOnly, { recursive: true });
    writeFileSync(join(importOnly, 'package.json'), JSON.stringify({ name: 'tessera-plugin-import-only', type: 'module', exports: { '.': { import: './index.js' } } }));
    writeFileSync(join(importOnly, 'index.js'), PLUGIN_SOURCE);
    const vars = env(join(project, 'data'), { TESSERA_MASTER_KEY: generateMasterKey() });
    const cases: Array<[string, RegExp]> = [
      ['tessera-plugin-nope', /Plugin 'tessera-plugin-nope' could not be loaded: the package is not installed where Tessera runs \(.+\): install it there \(npm install tessera-plugin-nope\)/],
      ['./missing.mjs', /Plugin '\.\/missing\.mjs' could not be loaded: there is no module at .+missing\.mjs/],
      ['./not-a-plugin.mjs', /does not export 'tesseraPlugin'/],
      ['./broken-plugin.mjs', /modules\[0\] is not a ContainerModule/],
      ['./throws.mjs', /loading .+throws\.mjs failed: the plugin needs ACME_REGION/],
      ['tessera-plugin-import-only', /"exports" offer no entry Tessera can load: give "\." a "default" \(or "require"\) condition/],
    ];
    for (const [specifier, message] of cases) {
      const run = await tessera(project, ['secrets', 'list'], { ...vars, TESSERA_PLUGINS: specifier });
      expect(run.code, specifier).toBe(1);
      expect(run.stderr, specifier).toMatch(message);
    }
    const serve = await tessera(project, ['serve', '--port', '0'], { ...vars, TESSERA_PLUGINS: 'tessera-plugin-nope' });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(/Plugin 'tessera-plugin-nope' could not be loaded/);
    mkdirSync(join(project, 'data'), { recursive: true });
    writeFileSync(join(project, 'data', 'tessera.config.json'), '{ "plugin": ["x"] }');
    const typo = await tessera(project, ['secrets', 'list'], vars);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/tessera\.config\.json has settings Tessera does not know: plugin \(it knows: plugins\)/);
  });
});
