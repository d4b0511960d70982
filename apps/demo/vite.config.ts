import { defineConfig } from 'vite';
import { offlinePlugin } from './offline-plugin.js';

export default defineConfig({
  resolve: {
    conditions: ['@glossa/source'],
    dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  },
  // The model worker imports @glossa/web-runtime as ES modules.
  worker: { format: 'es' },
  plugins: [offlinePlugin()],
  build: { target: 'es2022', assetsInlineLimit: 0 },
});
