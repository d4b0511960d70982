// Node-side unit tests run on tfjs's cpu backend; the browser backends are exercised in Chromium (issue 3).
import '@tensorflow/tfjs-backend-cpu';
import { ready, setBackend } from '@tensorflow/tfjs-core';

await setBackend('cpu');
await ready();
