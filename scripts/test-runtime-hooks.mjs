// Preloaded (NODE_OPTIONS=--import) into every node process of `npm run test:runtime`: the test
// runner, its workers and every binary the tests start. raw-socket loads its addon by a fixed
// relative path, ./build/Release/raw.node, where npm ci put the build for the development
// machine's node; this points that one require at the build for the runtime under test (made by
// scripts/test-runtime.mjs), so the shared node_modules is never rebuilt in place.
import module from 'node:module';
import { pathToFileURL } from 'node:url';

const RAW_SOCKET_ADDON = /\/node_modules\/raw-socket\/build\/Release\/raw\.node$/;
const replacement = process.env['VPP_MAGLEV_TEST_RAW_SOCKET'];

if (replacement) {
  // In Node.js 22.15 and later; a named import would not even link on older ones.
  if (typeof module.registerHooks !== 'function') {
    throw new Error(`test-runtime-hooks: node ${process.version} has no module.registerHooks`);
  }
  const url = pathToFileURL(replacement).href;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      return RAW_SOCKET_ADDON.test(resolved.url) ? { ...resolved, url } : resolved;
    },
  });
}
