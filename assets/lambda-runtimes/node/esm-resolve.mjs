// Module resolve hook (module.register) for ES module handlers: ES modules ignore NODE_PATH, so a
// bare specifier that the handler's own node_modules cannot satisfy is looked up in the NODE_PATH
// directories (the layers' nodejs/node_modules and the AWS SDK directory), as require() would.
import { pathToFileURL } from 'node:url';

let paths = [];

export function initialize(data) {
  paths = Array.isArray(data?.paths) ? data.paths : [];
}

function isBare(specifier) {
  return !/^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|\.{0,2}\/|#)/.test(specifier) && specifier !== '.' && specifier !== '..';
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw err;
    for (const dir of paths) {
      // Resolving from a file inside dir's parent makes the ESM resolver look in <parent>/node_modules;
      // for a NODE_PATH entry that is itself named node_modules, that is exactly the entry.
      const parent = dir.endsWith('/node_modules') ? dir.slice(0, -'/node_modules'.length) : dir;
      try {
        return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(`${parent}/__overcast_resolve__.mjs`).href });
      } catch {
        // try the next directory
      }
    }
    throw err;
  }
}
