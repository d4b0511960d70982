import { defineConfig } from 'vite';

export default defineConfig({
  resolve: {
    conditions: ['@glossa/source'],
    dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  },
  build: { target: 'es2022' },
});
