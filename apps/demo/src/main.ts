import { type WebBackendReport, type WorkerClient, createWorkerClient } from '@glossa/web-runtime';
import './styles.css';
import { renderMessage } from './render-prediction.js';
import { setupTrainYourOwn } from './train-your-own.js';
import { type DemoModel, setupTryIt } from './try-it.js';
import { WASM_PATHS } from './wasm-paths.js';

const base = import.meta.env.BASE_URL;

const MODELS: readonly DemoModel[] = [
  { id: 'en', url: `${base}models/en-sst2.glossa`, sample: 'The acting is wonderful, but the plot is a bit of a mess.', lang: 'en' },
  { id: 'zh', url: `${base}models/zh-chnsenticorp.glossa`, sample: '房间干净，服务热情，就是早餐有点单调。', lang: 'zh' },
];

/** Test and debugging hook: the backend reports of the two workers. */
interface GlossaDemoHook {
  backends: { predict?: WebBackendReport; train?: WebBackendReport };
}

declare global {
  interface Window {
    __glossa: GlossaDemoHook;
  }
}

const hook: GlossaDemoHook = { backends: {} };
window.__glossa = hook;

const BACKEND_NAMES: Record<WebBackendReport['backend'], string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript (CPU)',
};

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`main: element #${id} is missing from the page.`);
  return node as T;
}

/** Starts a module worker that runs @glossa/web-runtime's serveWorker, and chooses its backend. */
async function startWorker(job: 'predict' | 'train'): Promise<{ client: WorkerClient; report: WebBackendReport }> {
  const worker = new Worker(new URL('./ml-worker.ts', import.meta.url), { type: 'module', name: `glossa-${job}` });
  const client = createWorkerClient(worker);
  const report = await client.init({ job, wasmPaths: WASM_PATHS });
  return { client, report };
}

function showBackend(report: WebBackendReport): void {
  const status = byId<HTMLParagraphElement>('backend-status');
  const badge = document.createElement('strong');
  badge.className = 'badge';
  badge.textContent = BACKEND_NAMES[report.backend];
  status.replaceChildren('Running on ', badge, ` · TensorFlow.js ${report.versions.tfjsCore} · Glossa ${report.versions.glossa}`);
  status.dataset.backend = report.backend;
  byId('backend-reason').textContent = report.reason;
  byId('backend-details').hidden = false;
}

async function start(): Promise<void> {
  const output = byId<HTMLDivElement>('try-result');
  renderMessage(output, 'Loading the model…');

  let training: Promise<WorkerClient> | undefined;
  setupTrainYourOwn(() => {
    training ??= startWorker('train').then(({ client, report }) => {
      hook.backends.train = report;
      return client;
    });
    return training;
  });

  try {
    const { client, report } = await startWorker('predict');
    hook.backends.predict = report;
    showBackend(report);
    await setupTryIt({
      client,
      models: MODELS,
      input: byId('try-text'),
      output,
      picker: byId('model-picker'),
      fileInput: byId<HTMLInputElement>('model-file'),
      dropZone: byId('try-it'),
    });
  } catch (error) {
    byId('backend-status').textContent = `The model runtime could not start: ${(error as Error).message}`;
    renderMessage(output, `The model could not be loaded: ${(error as Error).message}`, 'error');
  }
}

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  // Caches the app shell, the wasm binaries and the model bundles so the page works offline once loaded.
  navigator.serviceWorker.register(`${base}sw.js`).catch(() => {
    // Offline support is an enhancement; the page works without it.
  });
}

void start();
