import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SystemPluginConfig } from '../common/config/core-config.js';
import { errorMessage } from '../common/errors/weft-error.js';
import type { Chaincode, ChaincodeResponse } from '../shim/chaincode.js';
import { error } from '../shim/chaincode.js';
import { SccError } from './scc-error.js';
import type { SystemChaincode } from './system-chaincode.js';

/**
 * Imports an ES module by URL. The CLI passes its own: code loaded through V8's code cache
 * cannot call import() itself.
 */
export type ModuleImporter = (url: string) => Promise<unknown>;

/**
 * Loads the plugin system chaincodes of chaincode.systemPlugins. A plugin is a JavaScript module
 * whose default export (or `chaincode` export) is a chaincode object, a class of one, or a
 * function returning one. Disabled plugins are not loaded, only listed, so they log as disabled.
 */
export async function loadPluginSysCCs(
  configs: readonly SystemPluginConfig[],
  baseDir: string,
  importModule: ModuleImporter = (url) => import(url),
): Promise<SystemChaincode[]> {
  const sccs: SystemChaincode[] = [];
  for (const conf of configs) {
    const path = resolve(baseDir, conf.path);
    const chaincode = conf.enabled ? await loadPlugin(conf.name, path, importModule) : notLoaded(conf.name);
    sccs.push({
      name: conf.name,
      path,
      initArgs: [],
      chaincode,
      invokableExternal: conf.invokableExternal,
      invokableCC2CC: conf.invokableCC2CC,
      enabled: conf.enabled,
    });
  }
  return sccs;
}

async function loadPlugin(name: string, path: string, importModule: ModuleImporter): Promise<Chaincode> {
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new SccError('PLUGIN_LOAD_FAILED', `could not load system chaincode plugin ${name} from ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const exported = mod.default ?? mod.chaincode;
  const chaincode = instantiate(exported);
  if (chaincode === undefined) {
    throw new SccError(
      'PLUGIN_LOAD_FAILED',
      `could not load system chaincode plugin ${name} from ${path}: its default export is not a chaincode (an object with init and invoke, a class of one, or a function returning one)`,
    );
  }
  return chaincode;
}

function instantiate(exported: unknown): Chaincode | undefined {
  if (isChaincode(exported)) return exported;
  if (typeof exported !== 'function') return undefined;
  const ctor = exported as { prototype?: unknown } & (new () => unknown) & (() => unknown);
  const made: unknown = isChaincode(ctor.prototype) ? new ctor() : ctor();
  return isChaincode(made) ? made : undefined;
}

function isChaincode(value: unknown): value is Chaincode {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof Chaincode, unknown>>;
  return typeof candidate.init === 'function' && typeof candidate.invoke === 'function';
}

function notLoaded(name: string): Chaincode {
  const refuse = (): ChaincodeResponse => error(`system chaincode plugin ${name} is disabled`);
  return { init: refuse, invoke: refuse };
}
