// The worker script, exactly as an application writes it.
import { serveWorker } from '../../src/index.js';

serveWorker();
