import type { WorkerClient } from '@glossa/web-runtime';
import { debounce } from './debounce.js';
import { renderMessage, renderPrediction } from './render-prediction.js';

/** A pre-trained model the page offers. */
export interface DemoModel {
  /** Radio value. */
  id: string;
  /** URL of the packed `.glossa` bundle. */
  url: string;
  /** Text shown when the model is picked and the box still holds another model's sample. */
  sample: string;
  /** `lang` of the text box for this model. */
  lang: string;
}

/**
 * Wires a text box to a worker-hosted model: classifies and explains the text as the user types
 * (debounced), and answers in order even when requests overlap.
 *
 * @param options - The worker client, the text box, the result panel and a debounce delay.
 * @returns `run()` to classify the current text now, and `queue()` to run work in order with it.
 * @example
 * ```ts
 * const live = createLiveClassifier({ client, input, output });
 * await live.run();
 * ```
 */
export function createLiveClassifier(options: { client: WorkerClient; input: HTMLTextAreaElement; output: HTMLElement; delayMs?: number }): {
  run(): Promise<void>;
  queue<T>(work: () => Promise<T>): Promise<T>;
} {
  const { client, input, output } = options;
  let chain: Promise<unknown> = Promise.resolve();
  let latest = 0;
  const queue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };
  const run = (): Promise<void> => {
    const ticket = ++latest;
    const text = input.value;
    output.setAttribute('aria-busy', 'true');
    return queue(async () => {
      if (ticket !== latest) return; // a newer request supersedes this one
      if (text.trim() === '') {
        renderMessage(output, 'Type some text to classify.');
        output.dataset.text = text;
        output.setAttribute('aria-busy', 'false');
        return;
      }
      try {
        const explanation = await client.explain(text);
        if (ticket === latest) renderPrediction(output, text, explanation);
      } catch (error) {
        if (ticket === latest) renderMessage(output, `Could not classify this text: ${(error as Error).message}`, 'error');
      }
    });
  };
  input.addEventListener(
    'input',
    debounce(() => void run(), options.delayMs ?? 150),
  );
  return { run, queue };
}

/**
 * Sets up the "Try it" section: loads the picked pre-trained bundle into the worker and classifies as
 * the user types.
 *
 * @param options - Worker client, models, and the section's elements.
 * @returns Resolves once the first model is loaded and the first prediction shown.
 * @throws Error when the first bundle cannot be fetched or loaded.
 * @example
 * ```ts
 * await setupTryIt({ client, models, input, output, picker });
 * ```
 */
export async function setupTryIt(options: {
  client: WorkerClient;
  models: readonly DemoModel[];
  input: HTMLTextAreaElement;
  output: HTMLElement;
  picker: HTMLFieldSetElement;
  /** A file input for opening a `.glossa` bundle. */
  fileInput?: HTMLInputElement;
  /** An element that accepts a dropped `.glossa` bundle. */
  dropZone?: HTMLElement;
}): Promise<void> {
  const { client, models, input, output, picker, fileInput, dropZone } = options;
  const live = createLiveClassifier({ client, input, output });
  const bytes = new Map<string, Promise<Uint8Array>>();
  const fetchModel = (model: DemoModel): Promise<Uint8Array> => {
    let pending = bytes.get(model.id);
    if (pending === undefined) {
      pending = fetch(model.url).then(async (response) => {
        if (!response.ok) throw new Error(`Could not download ${model.url} (HTTP ${response.status}).`);
        return new Uint8Array(await response.arrayBuffer());
      });
      pending.catch(() => bytes.delete(model.id));
      bytes.set(model.id, pending);
    }
    return pending;
  };
  const select = async (model: DemoModel): Promise<void> => {
    if (input.value === '' || models.some((m) => m.sample === input.value)) input.value = model.sample;
    input.lang = model.lang;
    output.setAttribute('aria-busy', 'true');
    output.dataset.model = '';
    await live.queue(async () => {
      // The worker takes ownership of the bytes it is sent: send a copy, keep the cached original.
      await client.load((await fetchModel(model)).slice());
      output.dataset.model = model.id;
    });
    await live.run();
  };
  picker.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    const model = models.find((m) => m.id === target.value);
    if (model !== undefined) {
      select(model).catch((error: unknown) => renderMessage(output, `Could not load the model: ${(error as Error).message}`, 'error'));
    }
  });
  const open = async (file: File): Promise<void> => {
    output.setAttribute('aria-busy', 'true');
    output.dataset.model = '';
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await live.queue(() => client.load(bytes));
      for (const radio of picker.querySelectorAll<HTMLInputElement>('input[name="model"]')) radio.checked = false;
      output.dataset.model = 'file';
      input.lang = '';
      await live.run();
    } catch (error) {
      renderMessage(output, `Could not open ${file.name}: ${(error as Error).message}`, 'error');
    }
  };
  fileInput?.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file !== undefined) void open(file);
  });
  dropZone?.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types.includes('Files')) {
      event.preventDefault();
      dropZone.classList.add('dragging');
    }
  });
  dropZone?.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone?.addEventListener('drop', (event) => {
    const file = event.dataTransfer?.files[0];
    dropZone.classList.remove('dragging');
    if (file === undefined) return;
    event.preventDefault();
    void open(file);
  });
  const checked = picker.querySelector<HTMLInputElement>('input[name="model"]:checked');
  const first = models.find((m) => m.id === checked?.value) ?? models[0];
  if (first === undefined) throw new Error('setupTryIt: no models to offer.');
  await select(first);
}
