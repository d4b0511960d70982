import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('demo build', () => {
  it('builds a page whose bundle has no Node-only imports and one copy of tfjs-core', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'glossa-demo-'));
    try {
      await build({ root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
      const html = await readFile(join(outDir, 'index.html'), 'utf8');
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
      const assets = await readdir(join(outDir, 'assets'));
      const js = (await Promise.all(assets.filter((a) => a.endsWith('.js')).map((a) => readFile(join(outDir, 'assets', a), 'utf8')))).join('\n');
      expect(js).not.toMatch(/from ?["']node:|require\(["'](fs|path|node:)/);
      expect(js).toContain('Glossa');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
