// The public types of @glossa/node-runtime: model-core's shared types are re-exported, never redefined, and
// the readers' record is its own type. Checked by `pnpm typecheck` (tsc over src/), or with
// `pnpm exec vitest run --typecheck.only`.
import type * as Core from '@glossa/model-core';
import { describe, expectTypeOf, it } from 'vitest';
import type * as Runtime from './index.js';
import { createFileStore, createPredictionPool, loadBundleFiles, type loadLabeledTexts, readBundleFiles, readLabeledTexts, saveBundleFiles } from './index.js';

describe('@glossa/node-runtime public types', () => {
  it('re-exports model-core’s shared types unchanged', () => {
    expectTypeOf<Runtime.LabeledText>().toEqualTypeOf<Core.LabeledText>();
    expectTypeOf<Runtime.BundleFiles>().toEqualTypeOf<Core.BundleFiles>();
    expectTypeOf<Runtime.BundleStore>().toEqualTypeOf<Core.BundleStore>();
    expectTypeOf<Runtime.TextClassifier>().toEqualTypeOf<Core.TextClassifier>();
    expectTypeOf<Runtime.Prediction>().toEqualTypeOf<Core.Prediction>();
    expectTypeOf<Runtime.FitOptions>().toEqualTypeOf<Core.FitOptions>();
    expectTypeOf<Runtime.TextClassifierOptions>().toEqualTypeOf<Core.TextClassifierOptions>();
    expectTypeOf<Runtime.Architecture>().toEqualTypeOf<Core.Architecture>();
  });

  it('gives the readers’ rows as LabeledRecord: a LabeledText with its line, fit takes them as they are', () => {
    expectTypeOf(readLabeledTexts).returns.toEqualTypeOf<AsyncGenerator<Runtime.LabeledRecord>>();
    expectTypeOf<Awaited<ReturnType<typeof loadLabeledTexts>>['records']>().toEqualTypeOf<Runtime.LabeledRecord[]>();
    expectTypeOf<Runtime.LabeledRecord>().toExtend<Core.LabeledText>();
    expectTypeOf<Runtime.LabeledRecord['line']>().toEqualTypeOf<number>();
    expectTypeOf<Runtime.LabeledRecord[]>().toExtend<Parameters<Core.TextClassifier['fit']>[0]>();
  });

  it('reads, writes and stores model-core’s BundleFiles and BundleStore', () => {
    expectTypeOf(createFileStore).returns.toEqualTypeOf<Core.BundleStore>();
    expectTypeOf(loadBundleFiles).returns.toEqualTypeOf<Promise<Core.BundleFiles>>();
    expectTypeOf(readBundleFiles).returns.toEqualTypeOf<Promise<Core.BundleFiles>>();
    expectTypeOf(saveBundleFiles).parameter(1).toEqualTypeOf<Core.BundleFiles>();
    expectTypeOf(createPredictionPool).parameter(0).toEqualTypeOf<string | Core.BundleFiles>();
  });
});
