/**
 * Loads dist/storage.js (runtime.ts and the Azure Storage SDKs) at run time. Nothing else in the emulator imports
 * runtime.ts except as types, so an app without storage bindings loads none of the SDKs.
 */
import { bundleFile } from '../bundles.js';
import type * as Runtime from './runtime.js';

export type StorageBundle = typeof Runtime;

/** Set when the bundle has been loaded (tests and benchmarks check that an app without storage never loads it). */
export let storageBundleLoaded = false;

export function loadStorageBundle(): StorageBundle {
  const file = bundleFile('storage.js', 'The storage bundle (dist/storage.js)');
  // A computed path, so esbuild leaves the require alone and the SDKs stay out of the main bundles.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(file) as StorageBundle;
  storageBundleLoaded = true;
  return bundle;
}
