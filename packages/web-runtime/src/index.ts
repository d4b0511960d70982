export { describeWebRuntime } from './describe-web-runtime.js';
export { type FetchBundleOptions, fetchBundle, fetchBundleFiles, loadBundleFromBlob } from './fetch-bundle.js';
// The whole public API of @glossa/model-core, so a page installs one package.
export * from '@glossa/model-core';
