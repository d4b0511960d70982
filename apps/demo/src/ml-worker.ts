// The demo's model worker: training, prediction and explanations run here, off the page's main thread.
import { serveWorker } from '@glossa/web-runtime';

serveWorker();
