import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { modelPackageBundle, parseModelPackageSpec } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';

/**
 * Where a bundle is: a path as given, or the bundle file of an installed model package. A model package is an
 * npm package whose `package.json` names its bundle in `"glossa": { "bundle": "model.glossa" }`, such as
 * `@glossa/model-sentiment-en`; it is found as Node finds packages, from `from` (default: the working
 * directory) upwards through `node_modules`.
 *
 * @param spec - A bundle directory, a `.glossa` file, or a model package name.
 * @param options - `from`: the directory to resolve package names from.
 * @returns An absolute path to the bundle directory or file.
 * @throws {@link NodeRuntimeError} `INVALID_PATH` for a package that is not installed or is not a model package.
 * @example
 * ```ts
 * await resolveBundlePath('@glossa/model-sentiment-en'); // '/app/node_modules/@glossa/model-sentiment-en/model.glossa'
 * await resolveBundlePath('./model');                    // '/app/model'
 * ```
 */
export async function resolveBundlePath(spec: string, options: { from?: string } = {}): Promise<string> {
  const asPath = resolve(spec);
  const exists = await stat(asPath).then(
    () => true,
    () => false,
  );
  const pkg = parseModelPackageSpec(spec);
  // An installed package has one version: `name@version` is not looked up by version in Node.
  if (exists || pkg === undefined || pkg.version !== undefined) return asPath;
  const from = resolve(options.from ?? process.cwd());
  let manifestPath: string;
  try {
    manifestPath = createRequire(join(from, 'noop.js')).resolve(`${pkg.name}/package.json`);
  } catch (cause) {
    // A bare name is more often a mistyped directory than a package: the caller reports the missing path.
    if (!spec.startsWith('@')) return asPath;
    throw new NodeRuntimeError(
      'INVALID_PATH',
      `${spec} is neither a bundle here nor an installed model package: install it (npm install ${spec}) or pass the directory or .glossa file that \`glossa train --out\` wrote.`,
      { cause },
    );
  }
  let bundle: string;
  try {
    bundle = modelPackageBundle(JSON.parse(await readFile(manifestPath, 'utf8')), spec);
  } catch (cause) {
    const why =
      cause instanceof SyntaxError ? `cannot read its package.json (${cause.message})` : `is installed but ${(cause as Error).message.replace(`${spec} `, '')}`;
    throw new NodeRuntimeError('INVALID_PATH', `${spec} ${why} (${manifestPath}).`, { cause });
  }
  return join(dirname(manifestPath), bundle);
}
