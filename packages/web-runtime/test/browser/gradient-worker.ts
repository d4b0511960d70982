// A gradient worker script, exactly as an application writes it.
import { serveGradientWorker } from '../../src/index.js';

serveGradientWorker();
