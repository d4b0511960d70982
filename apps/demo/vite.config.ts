import { defineConfig } from 'vite';
import { modelsPlugin } from './models-plugin.js';
import { offlinePlugin } from './offline-plugin.js';

export default defineConfig({
  resolve: {
    conditions: ['@glossa/source'],
    dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  },
  // The model worker imports @glossa/web-runtime as ES modules.
  worker: { format: 'es' },
  // The pre-trained models come from their packages (@glossa/model-sentiment-en/-zh), not a copy in public/.
  plugins: [modelsPlugin(), offlinePlugin()],
  build: { target: 'es2022', assetsInlineLimit: 0 },
});
