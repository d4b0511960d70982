import { architecturesWhere, listNames } from '../registry.js';
import { createRng } from '@glossa/math';
import type { TextPipeline } from '@glossa/text-preprocessing';
import { getBackend } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ModelCoreError } from '../../errors.js';
import { checkExamples, evaluationReport, fingerprint, labelsOf, lossAndAccuracy, splitValidation } from '../../internal/examples.js';
import { toPredictions } from '../../predictions.js';
import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES, type ResolvedClassifierOptions, checkNumber } from '../../options.js';
import { type TextClassifier, type TrainingInfo, createNeuralClassifier } from '../../text-classifier.js';
import type {
  EpochLog,
  EvaluationReport,
  Explanation,
  FitOptions,
  FitResult,
  LabeledText,
  PortfolioCandidate,
  PortfolioReport,
  Prediction,
  TrainingEvent,
} from '../../types.js';
import { createNgramClassifier, explanationFrom, fitNgramSplit, ngramStateOf, occlusionVariants } from '../ngram/ngram-classifier.js';

/** Training-time budget of `auto` in seconds, when `FitOptions.timeLimitSeconds` does not set one. */
export const AUTO_BUDGET_SECONDS = 170;
/**
 * Tokens per second the neural candidate is assumed to train at, to plan its epochs within the budget:
 * the LSTM on one core with Glossa's WebAssembly kernels, and on plain-JavaScript tfjs (`cpu`). The plan
 * depends only on the data and the backend, never on measured time, so a seed gives the same model on
 * any machine; a faster machine simply finishes sooner.
 */
const NEURAL_TOKENS_PER_SECOND: Readonly<Record<string, number>> = { cpu: 3_000, default: 40_000 };
/** Share of the budget planned for the neural candidate (the n-gram model takes most of the rest). */
const NEURAL_SHARE = 0.5;
/** Ensemble weights of the n-gram model tried on the validation examples. */
const WEIGHTS = [1, 0.8, 0.6, 0.5, 0.4, 0.2, 0] as const;

/** A trained member of an `auto` model. */
export interface AutoMember {
  /** Its name in the bundle (`ngram`, `lstm`). */
  name: string;
  /** Weight of its probabilities in the average. */
  weight: number;
  classifier: TextClassifier;
}

/** Everything a trained `auto` model is (what its bundle holds). */
export interface AutoModelState {
  options: ResolvedClassifierOptions;
  labels: string[];
  members: AutoMember[];
  portfolio: PortfolioReport;
  training?: TrainingInfo;
  validation?: EvaluationReport;
}

class AutoTextClassifier implements TextClassifier {
  readonly options: Readonly<ResolvedClassifierOptions>;
  labels: string[] = [];
  training: TrainingInfo | undefined;
  validation: EvaluationReport | undefined;
  portfolio: PortfolioReport | undefined;
  state: AutoModelState | undefined;

  constructor(options: ResolvedClassifierOptions, state?: AutoModelState) {
    this.options = Object.freeze({ ...options });
    if (state) this.adopt(state);
  }

  private adopt(state: AutoModelState): void {
    this.state = state;
    this.labels = state.labels;
    this.training = state.training;
    this.validation = state.validation;
    this.portfolio = state.portfolio;
  }

  get isTrained(): boolean {
    return this.state !== undefined;
  }

  get pipeline(): TextPipeline | undefined {
    return this.state?.members[0]?.classifier.pipeline;
  }

  get model(): LayersModel | undefined {
    return this.state?.members.find((m) => m.classifier.model)?.classifier.model;
  }

  private requireTrained(where: string): AutoModelState {
    if (!this.state) {
      throw new ModelCoreError('NOT_TRAINED', `${where}: the classifier has no weights yet. Call fit() first or load a bundle.`);
    }
    return this.state;
  }

  async predictProbabilities(texts: readonly string[], options: { batchSize?: number } = {}): Promise<Float32Array> {
    const state = this.requireTrained('predict');
    return averageProbabilities(state.members, texts, options);
  }

  async predict(texts: readonly string[], options: { batchSize?: number } = {}): Promise<Prediction[]> {
    return toPredictions(this.labels, await this.predictProbabilities(texts, options), texts.length);
  }

  async evaluate(examples: readonly LabeledText[], options: { batchSize?: number } = {}): Promise<EvaluationReport> {
    const state = this.requireTrained('evaluate');
    checkExamples('evaluate', examples);
    const texts = examples.map((e) => e.text);
    const probs = await averageProbabilities(state.members, texts, options);
    const k = state.labels.length;
    return evaluationReport(state.labels, examples, (known) => {
      const out = new Float32Array(known.length * k);
      known.forEach((i, r) => {
        out.set(probs.subarray(i * k, (i + 1) * k), r * k);
      });
      return out;
    });
  }

  async explain(text: string, options: { label?: string } = {}): Promise<Explanation> {
    const state = this.requireTrained('explain');
    if (typeof text !== 'string') {
      throw new ModelCoreError('INVALID_DATA', `explain: text must be a string (got ${typeof text}).`);
    }
    const pipeline = state.members[0]!.classifier.pipeline!;
    const normalized = pipeline.normalize(text);
    const tokens = pipeline.tokenize(text);
    const variants = occlusionVariants(normalized, tokens, (t) => pipeline.tokenize(t));
    const probs = await averageProbabilities(state.members, [normalized, ...variants.map(([t]) => t)], {});
    return explanationFrom(state.labels, tokens, probs, options.label);
  }

  async fit(examples: readonly LabeledText[], options: FitOptions = {}): Promise<FitResult> {
    const where = 'fit';
    checkExamples(where, examples);
    if (options.resumeFrom) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: the auto architecture keeps no checkpoints to resume from (its n-gram model trains in one pass). Start afresh without resumeFrom, or choose ${listNames(architecturesWhere((a) => a.checkpoints))} to resume.`,
      );
    }
    if (options.pretrainedEmbeddings) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: pretrainedEmbeddings need an architecture with an embedding layer: choose ${listNames(architecturesWhere((a) => a.usesEmbeddings))}.`,
      );
    }
    const seed = checkNumber(where, 'seed', options.seed ?? DEFAULT_FIT_OPTIONS.seed, FIT_OPTION_RANGES.seed);
    const budget =
      options.timeLimitSeconds === undefined
        ? AUTO_BUDGET_SECONDS
        : checkNumber(where, 'timeLimitSeconds', options.timeLimitSeconds, FIT_OPTION_RANGES.timeLimitSeconds);
    const split = splitValidation(where, examples, options, createRng(seed));
    const labels = labelsOf(where, split.train);
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const validation = split.validation.filter((e) => labelIndex.has(e.label));
    const valY = Int32Array.from(validation, (e) => labelIndex.get(e.label)!);
    const k = labels.length;
    const t0 = performance.now();
    const o = this.options;
    const forward =
      (candidate: string) =>
      (event: TrainingEvent): void => {
        options.onProgress?.(event.type === 'start' ? { ...event, candidate } : event);
      };
    const candidates: PortfolioCandidate[] = [];

    // 1. The n-gram model: fast, strong on every kind of text; refitted on every example once λ is chosen.
    const ngram = createNgramClassifier({ ...o, architecture: 'ngram' });
    const ngramFit = await fitNgramSplit(
      ngram,
      examples,
      { ...split, validation },
      { ...options, onProgress: forward('ngram') },
      seed,
      split.setting.kind === 'split',
    );
    const ngramSeconds = (performance.now() - t0) / 1000;
    const ngramScore = validation.length > 0 ? lossAndAccuracy(ngramFit.validationProbabilities, valY, k) : undefined;
    candidates.push({
      name: 'ngram',
      architecture: 'ngram',
      ...(ngramScore ? { valAccuracy: ngramScore.accuracy, valLoss: ngramScore.loss } : {}),
      trainSeconds: ngramSeconds,
      weight: 1,
      note: describeNgram(ngram),
    });

    // 2. A neural model (LSTM), for as many epochs (up to `epochs`, default 5) as its share of the budget
    //    allows by estimate; skipped when not even two fit.
    let neural: TextClassifier | undefined;
    let neuralProbs: Float32Array | undefined;
    const tokens = estimateTokens(ngram.pipeline!, split.train, o.maxLength);
    const rate = NEURAL_TOKENS_PER_SECOND[getBackend()] ?? NEURAL_TOKENS_PER_SECOND.default!;
    const epochSeconds = tokens / rate;
    const wanted = options.epochs ?? DEFAULT_FIT_OPTIONS.epochs;
    const affordable = Math.floor((budget * NEURAL_SHARE) / Math.max(epochSeconds, 1e-9));
    const epochs = Math.min(wanted, affordable);
    if (validation.length === 0) {
      candidates.push({
        name: 'lstm',
        architecture: 'lstm',
        trainSeconds: 0,
        weight: 0,
        note: 'skipped: no validation examples to weigh it against the n-gram model',
      });
    } else if (epochs < Math.min(2, wanted)) {
      candidates.push({
        name: 'lstm',
        architecture: 'lstm',
        trainSeconds: 0,
        weight: 0,
        note: `skipped: an epoch over ${Math.round(tokens).toLocaleString('en-US')} tokens is estimated at ${Math.round(epochSeconds)} s, and two do not fit in ${Math.round(budget * NEURAL_SHARE)} s (half the ${budget} s budget)`,
      });
    } else {
      const started = performance.now();
      neural = createNeuralClassifier({ ...o, architecture: 'lstm' });
      try {
        const result = await neural.fit(split.train, {
          epochs,
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
          ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
          ...(options.classWeight !== undefined ? { classWeight: options.classWeight } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          // More threads only make it faster: the epochs were planned from the one-thread estimate.
          ...(options.gradientWorkers ? { gradientWorkers: options.gradientWorkers } : {}),
          seed,
          validationData: validation,
          onProgress: forward('lstm'),
        });
        neuralProbs = await neural.predictProbabilities(validation.map((e) => e.text));
        const score = lossAndAccuracy(neuralProbs, valY, k);
        candidates.push({
          name: 'lstm',
          architecture: 'lstm',
          valAccuracy: score.accuracy,
          valLoss: score.loss,
          trainSeconds: (performance.now() - started) / 1000,
          weight: 0,
          note: `${result.epochsRun} of ${epochs} epoch${epochs === 1 ? '' : 's'}${epochs < wanted ? ' (budget)' : ''}, best ${result.bestEpoch}${result.stoppedEarly ? ', stopped early' : ''}`,
        });
      } catch (error) {
        neural.dispose();
        throw error;
      }
    }

    // 3. Keep the n-gram model, the LSTM or their weighted average: whichever has the lowest validation loss.
    let chosen = { weight: 1, loss: ngramScore?.loss ?? 0, accuracy: ngramScore?.accuracy ?? 0 };
    if (neural && neuralProbs) {
      for (const w of WEIGHTS) {
        const mixed = new Float32Array(neuralProbs.length);
        for (let i = 0; i < mixed.length; i++) mixed[i] = w * ngramFit.validationProbabilities[i]! + (1 - w) * neuralProbs[i]!;
        const score = lossAndAccuracy(mixed, valY, k);
        if (score.loss < chosen.loss - 1e-9) chosen = { weight: w, ...score };
      }
    }
    const members: AutoMember[] = [];
    if (chosen.weight > 0) members.push({ name: 'ngram', weight: chosen.weight, classifier: ngram });
    else ngram.dispose();
    if (neural) {
      if (chosen.weight < 1) members.push({ name: 'lstm', weight: Math.round((1 - chosen.weight) * 1e6) / 1e6, classifier: neural });
      else neural.dispose();
    }
    candidates[0]!.weight = chosen.weight;
    if (candidates[1]) candidates[1].weight = neural ? Math.round((1 - chosen.weight) * 1e6) / 1e6 : 0;
    const chosenName = members.length > 1 ? 'ensemble' : members[0]!.name;
    const portfolio: PortfolioReport = {
      candidates,
      chosen: chosenName,
      ...(validation.length > 0 ? { valAccuracy: chosen.accuracy, valLoss: chosen.loss } : {}),
      reason: reasonFor(chosenName, candidates, chosen, validation.length),
      budgetSeconds: budget,
    };
    const trainSeconds = (performance.now() - t0) / 1000;
    const history: EpochLog[] = candidates
      .filter((c) => c.valLoss !== undefined)
      .map((c, i) => ({
        epoch: i + 1,
        loss: c.valLoss!,
        accuracy: c.valAccuracy!,
        valLoss: c.valLoss!,
        valAccuracy: c.valAccuracy!,
        seconds: c.trainSeconds,
        samplesPerSecond: split.train.length / Math.max(c.trainSeconds, 1e-9),
      }));
    const training: TrainingInfo = {
      seed,
      epochsRun: history.length,
      bestEpoch: history.length,
      trainSize: split.train.length,
      validationSize: validation.length,
      dataFingerprint: fingerprint(examples),
      trainSeconds,
      history,
    };
    const state: AutoModelState = { options: { ...o }, labels, members, portfolio, training };
    this.adopt(state);
    if (validation.length > 0) {
      // The validation figures of the kept combination, from members that never saw the validation rows.
      const mixed = new Float32Array(valY.length * k);
      const ngramMember = members.find((m) => m.name === 'ngram');
      for (let i = 0; i < mixed.length; i++) {
        mixed[i] = (ngramMember ? ngramMember.weight * ngramFit.validationProbabilities[i]! : 0) + (neuralProbs ? (1 - chosen.weight) * neuralProbs[i]! : 0);
      }
      state.validation = evaluationReport(labels, validation, (known) => {
        const out = new Float32Array(known.length * k);
        known.forEach((i, r) => {
          out.set(mixed.subarray(i * k, (i + 1) * k), r * k);
        });
        return out;
      });
      this.adopt(state);
    }
    return {
      epochsRun: history.length,
      bestEpoch: history.length,
      stoppedEarly: false,
      history,
      trainSeconds,
      trainSamplesPerSecond: split.train.length / Math.max(trainSeconds, 1e-9),
      ...(state.validation ? { validation: state.validation } : {}),
      trainSize: split.train.length,
      validationSize: validation.length,
      portfolio,
    };
  }

  dispose(): void {
    for (const m of this.state?.members ?? []) m.classifier.dispose();
  }
}

/** Weighted average of the members' probabilities. */
async function averageProbabilities(members: readonly AutoMember[], texts: readonly string[], options: { batchSize?: number }): Promise<Float32Array> {
  let out: Float32Array | undefined;
  for (const m of members) {
    const p = await m.classifier.predictProbabilities(texts, options);
    if (!out) out = new Float32Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = out[i]! + m.weight * p[i]!;
  }
  return out ?? new Float32Array(0);
}

/** Tokens an LSTM epoch would read (each text truncated to maxLength), estimated from a sample. */
function estimateTokens(pipeline: TextPipeline, train: readonly LabeledText[], maxLength: number): number {
  const step = Math.max(1, Math.floor(train.length / 2000));
  let tokens = 0;
  let seen = 0;
  for (let i = 0; i < train.length; i += step) {
    tokens += Math.min(pipeline.tokenize(train[i]!.text).length, maxLength);
    seen++;
  }
  return (tokens / Math.max(seen, 1)) * train.length;
}

function describeNgram(classifier: TextClassifier): string {
  const info = ngramStateOf(classifier)?.info;
  if (!info) return '';
  const f = info.features;
  const parts = [f.wordMaxN > 0 ? `words 1–${f.wordMaxN}` : '', f.charMinN > 0 ? `characters ${f.charMinN}–${f.charMaxN}` : ''].filter(Boolean);
  return `${parts.join(' + ')}, ${info.featureCount.toLocaleString('en-US')} features, λ = ${Number(info.regularization.toPrecision(3))}${info.refit ? ', refitted on all examples' : ''}`;
}

function reasonFor(chosen: string, candidates: readonly PortfolioCandidate[], score: { loss: number; accuracy: number }, validationSize: number): string {
  if (validationSize === 0) return 'no validation examples: the n-gram model is kept without comparison';
  const fmt = (c: PortfolioCandidate | undefined) =>
    c?.valLoss !== undefined ? `loss ${c.valLoss.toFixed(4)}, accuracy ${c.valAccuracy!.toFixed(4)}` : 'not trained';
  const [a, b] = candidates;
  if (chosen === 'ensemble') {
    return `the average (n-gram weight ${candidates[0]!.weight}) had the lowest validation loss (${score.loss.toFixed(4)}, accuracy ${score.accuracy.toFixed(4)}) against ngram (${fmt(a)}) and lstm (${fmt(b)})`;
  }
  if (b?.valLoss === undefined) return `ngram (${fmt(a)}); the lstm was ${b?.note ?? 'not trained'}`;
  return `${chosen} alone had the lowest validation loss: ngram (${fmt(a)}), lstm (${fmt(b)}), no average of the two did better`;
}

/** An untrained `auto` classifier (see `createTextClassifier()`). */
export function createAutoClassifier(options: ResolvedClassifierOptions): TextClassifier {
  return new AutoTextClassifier(options);
}

/** A trained `auto` classifier around loaded members (the bundle loader). */
export function restoreAutoClassifier(state: AutoModelState): TextClassifier {
  return new AutoTextClassifier(state.options, state);
}

/** The state of a trained `auto` classifier (for the bundle writer), or undefined for other classifiers. */
export function autoStateOf(classifier: TextClassifier): AutoModelState | undefined {
  return classifier instanceof AutoTextClassifier ? classifier.state : undefined;
}
