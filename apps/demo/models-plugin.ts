import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/** The site's model files and the model packages they come from (the packages are their one home). */
export const DEMO_MODELS: Readonly<Record<string, string>> = {
  'models/en-sst2.glossa': '@glossa/model-sentiment-en',
  'models/zh-chnsenticorp.glossa': '@glossa/model-sentiment-zh',
};

const require = createRequire(import.meta.url);

/**
 * The bundle bytes of an installed model package (its package.json names the file in `glossa.bundle`).
 *
 * @param name - The package.
 * @returns The `.glossa` bytes.
 */
export function modelPackageBytes(name: string): Buffer {
  const manifestPath = require.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { glossa: { bundle: string } };
  return readFileSync(new URL(manifest.glossa.bundle, `file://${manifestPath}`));
}

/**
 * Puts the pre-trained models at `models/*.glossa` in the site: emitted into the build (so the offline
 * plugin precaches them) and served by the dev server, read from the model packages.
 *
 * @returns The plugin.
 * @example
 * ```ts
 * export default defineConfig({ plugins: [modelsPlugin(), offlinePlugin()] });
 * ```
 */
export function modelsPlugin(): Plugin {
  return {
    name: 'glossa-demo-models',
    buildStart() {
      if (this.meta.watchMode) return;
      for (const [fileName, name] of Object.entries(DEMO_MODELS)) this.emitFile({ type: 'asset', fileName, source: modelPackageBytes(name) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        const name = DEMO_MODELS[path];
        if (name === undefined) return next();
        res.setHeader('content-type', 'application/octet-stream');
        res.end(modelPackageBytes(name));
      });
    },
  };
}
