import { readFileSync } from 'node:fs';
import * as nr from './dist/index.js';
const t0 = process.argv[2];
const relaxed = process.argv[3] === 'relaxed';
if (relaxed) nr.enableRelaxedSimd();
await nr.initBackend({ job: 'predict' });
const files = await nr.readBundleFiles('../model-core/test/fixtures/bundles-v1/lstm.glossa');
const clf = await nr.deserializeBundle(files);
const others = readFileSync('/tmp/q/in.csv', 'utf8')
  .split('\n')
  .slice(1, 300)
  .map((l) => l.split(',')[1]);
for (const bs of [1, 32, 256]) {
  const alone = (await clf.predict([t0], { batchSize: bs }))[0].scores;
  const mixed = (await clf.predict([...others.slice(0, 100), t0, ...others.slice(100)], { batchSize: bs }))[100].scores;
  console.log(relaxed ? 'relaxed' : 'plain', nr.usesRelaxedSimd(), bs, alone.positive, mixed.positive);
}
