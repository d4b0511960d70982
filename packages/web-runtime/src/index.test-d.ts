// The public types of @glossa/web-runtime: model-core's shared types are re-exported, never redefined.
// Checked by `pnpm typecheck` (tsc over src/), or with `pnpm exec vitest run --typecheck.only`.
import type * as Core from '@glossa/model-core';
import { describe, expectTypeOf, it } from 'vitest';
import type * as Runtime from './index.js';
import { createIndexedDbStore, type createWorkerClient, fetchBundleFiles, loadBundleFromStore, saveBundleToStore } from './index.js';

describe('@glossa/web-runtime public types', () => {
  it('re-exports model-core’s shared types unchanged', () => {
    expectTypeOf<Runtime.LabeledText>().toEqualTypeOf<Core.LabeledText>();
    expectTypeOf<Runtime.BundleFiles>().toEqualTypeOf<Core.BundleFiles>();
    expectTypeOf<Runtime.BundleStore>().toEqualTypeOf<Core.BundleStore>();
    expectTypeOf<Runtime.TextClassifier>().toEqualTypeOf<Core.TextClassifier>();
    expectTypeOf<Runtime.Prediction>().toEqualTypeOf<Core.Prediction>();
    expectTypeOf<Runtime.FitOptions>().toEqualTypeOf<Core.FitOptions>();
    expectTypeOf<Runtime.Architecture>().toEqualTypeOf<Core.Architecture>();
  });

  it('stores bundles in model-core’s BundleStore and trains on its LabeledText', () => {
    expectTypeOf(createIndexedDbStore).returns.toEqualTypeOf<Core.BundleStore>();
    expectTypeOf(saveBundleToStore).parameter(1).toEqualTypeOf<Core.BundleStore>();
    expectTypeOf(loadBundleFromStore).parameter(0).toEqualTypeOf<Core.BundleStore>();
    expectTypeOf(fetchBundleFiles).returns.toEqualTypeOf<Promise<Core.BundleFiles>>();
    expectTypeOf<Parameters<ReturnType<typeof createWorkerClient>['train']>[0]>().toEqualTypeOf<Core.LabeledText[]>();
  });
});
