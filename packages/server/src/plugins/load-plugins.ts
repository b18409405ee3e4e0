/**
 * Loads the plugins named in the settings, in order, from the directory Tessera runs in: a package name
 * is resolved as `require` resolves it from there (an ES module is loaded too, as Node 20.19+ does), a
 * path starting with `.` or `/` is a file or directory; each must export a valid `tesseraPlugin`.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { Container, type ContainerModule } from 'inversify';
import { CORE, type SecretKind } from '@tessera/core';
import { PluginLoadError } from './plugin-load-error.js';
import type { LoadedPlugin, TesseraPlugin } from './tessera-plugin.js';

export type PluginWithModules = LoadedPlugin & { modules: ContainerModule[]; commands: ContainerModule[] };

export function loadPlugins(specifiers: readonly string[], from: string): PluginWithModules[] {
  const require = createRequire(join(from, 'package.json'));
  const loaded: PluginWithModules[] = [];
  for (const specifier of specifiers) {
    const plugin = loadOne(require, specifier, from);
    const twin = loaded.find((other) => other.name === plugin.name);
    if (twin) throw new PluginLoadError(specifier, `a plugin named '${plugin.name}' is already loaded (from '${twin.specifier}'); name each once.`);
    loaded.push(plugin);
  }
  return loaded;
}

function loadOne(require: NodeJS.Require, specifier: string, from: string): PluginWithModules {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? resolve(from, specifier) : specifier;
  let path: string;
  try {
    path = require.resolve(target);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new PluginLoadError(specifier, `its package.json "exports" offer no entry Tessera can load: give "." a "default" (or "require") condition.`);
    }
    throw new PluginLoadError(
      specifier,
      isPath
        ? `there is no module at ${target}.`
        : `the package is not installed where Tessera runs (${from}): install it there (npm install ${specifier}), or name its path (starting with ./ or /).`,
    );
  }
  let exported: unknown;
  try {
    exported = require(path);
  } catch (error) {
    throw new PluginLoadError(specifier, `loading ${path} failed: ${(error as Error).message}`);
  }
  const plugin = (exported as { tesseraPlugin?: unknown }).tesseraPlugin ?? (exported as { default?: { tesseraPlugin?: unknown } }).default?.tesseraPlugin;
  if (plugin === undefined) throw new PluginLoadError(specifier, `${path} does not export 'tesseraPlugin' ({ name, version, modules }).`);
  const valid = checked(specifier, plugin);
  return { ...valid, specifier, path, secretKinds: contributedKinds(valid.modules) };
}

/** The secret kinds a plugin's modules bind, read from a container of their own (nothing else is resolved). */
function contributedKinds(modules: ContainerModule[]): string[] {
  const own = new Container();
  try {
    own.load(...modules);
    return own.isBound(CORE.SecretKind) ? own.getAll<SecretKind>(CORE.SecretKind).map((kind) => kind.id) : [];
  } catch {
    // A kind bound through other services cannot be read alone; the plugin still loads.
    return [];
  }
}

/** The export's shape, field by field, in words a plugin author can fix. */
function checked(specifier: string, plugin: unknown): TesseraPlugin & { commands: ContainerModule[] } {
  const fail = (what: string) => new PluginLoadError(specifier, `its 'tesseraPlugin' ${what}.`);
  if (plugin === null || typeof plugin !== 'object') throw fail('is not an object { name, version, modules }');
  const { name, version, modules, commands } = plugin as Record<string, unknown>;
  if (typeof name !== 'string' || !/^[A-Za-z0-9@][\w.@/-]{0,99}$/.test(name)) throw fail('needs a name: letters, digits, @ . / _ -, up to 100 characters');
  if (typeof version !== 'string' || version.length === 0 || version.length > 50) throw fail('needs a version (a string such as 1.0.0)');
  if (commands !== undefined && !Array.isArray(commands)) throw fail('has commands that are not a list of container modules');
  const commandModules = (commands ?? []) as unknown[];
  if (!Array.isArray(modules) || (modules.length === 0 && commandModules.length === 0)) throw fail('needs modules: a list of the container modules it contributes');
  const isModule = (module: unknown) => module !== null && typeof module === 'object' && typeof (module as { load?: unknown }).load === 'function';
  modules.forEach((module: unknown, index) => {
    if (!isModule(module)) throw fail(`modules[${index}] is not a ContainerModule (new ContainerModule(...) from inversify)`);
  });
  commandModules.forEach((module, index) => {
    if (!isModule(module)) throw fail(`commands[${index}] is not a ContainerModule (new ContainerModule(...) from inversify) binding CORE.CommandGroup`);
  });
  return { name, version, modules: modules as ContainerModule[], commands: commandModules as ContainerModule[] };
}
