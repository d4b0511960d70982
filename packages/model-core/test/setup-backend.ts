// Unit tests run on tfjs's cpu backend (DESIGN.md §6). The runtimes test the other backends.
import '@tensorflow/tfjs-backend-cpu';
import { ready, setBackend } from '@tensorflow/tfjs-core';

await setBackend('cpu');
await ready();
