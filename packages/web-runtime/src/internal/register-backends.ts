// Registers every browser backend and its kernels with tfjs-core. This file (and the bundle built from
// it) is listed in package.json `sideEffects`: bundlers must keep these imports.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';

export { version_cpu } from '@tensorflow/tfjs-backend-cpu';
export { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
export { version_webgl } from '@tensorflow/tfjs-backend-webgl';
