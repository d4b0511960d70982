import type { Explanation } from '@glossa/web-runtime';

/** What a result panel shows: the class probabilities and, when available, per-token attributions. */
export type ShownResult = Pick<Explanation, 'label' | 'scores'> & { tokens?: Explanation['tokens'] };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

function signed(score: number): string {
  const fixed = Math.abs(score).toFixed(3);
  return score >= 0 ? `+${fixed}` : `\u2212${fixed}`;
}

/**
 * Renders a prediction into `container`: the winning label, one bar per class, and the tokens shaded by
 * attribution (green supports the predicted label, red opposes it; each token also carries its signed
 * score as text and a different underline, so colour is never the only cue).
 *
 * The raw numbers stay on the container for tests and tools: `data-text`, `data-label` and `data-scores`
 * (JSON, full precision).
 *
 * @param container - The result element (emptied first).
 * @param text - The text the result is for.
 * @param result - Label, scores and optional token attributions.
 * @example
 * ```ts
 * renderPrediction(panel, 'great film', explanation);
 * ```
 */
export function renderPrediction(container: HTMLElement, text: string, result: ShownResult): void {
  const labels = Object.keys(result.scores);
  const headline = el('p', 'headline');
  headline.append('Prediction: ', el('strong', 'label-name', result.label), ` (${percent(result.scores[result.label] ?? 0)})`);

  const bars = el('div', 'bars');
  for (const label of labels) {
    const p = result.scores[label] ?? 0;
    const row = el('div', label === result.label ? 'bar-row winner' : 'bar-row');
    const name = el('span', 'bar-label', label);
    const track = el('div', 'bar-track');
    track.setAttribute('role', 'meter');
    track.setAttribute('aria-label', `Probability of ${label}`);
    track.setAttribute('aria-valuemin', '0');
    track.setAttribute('aria-valuemax', '100');
    track.setAttribute('aria-valuenow', (p * 100).toFixed(1));
    track.setAttribute('aria-valuetext', percent(p));
    const fill = el('div', 'bar-fill');
    fill.style.width = `${Math.max(0, Math.min(100, p * 100))}%`;
    track.append(fill);
    row.append(name, track, el('span', 'bar-value', percent(p)));
    bars.append(row);
  }

  const children: HTMLElement[] = [headline, bars];
  if (result.tokens !== undefined && result.tokens.length > 0) {
    const maxAbs = Math.max(0.02, ...result.tokens.map((t) => Math.abs(t.score)));
    const tokens = el('p', 'tokens');
    tokens.setAttribute('aria-label', `Tokens and how much each supports (+) or opposes (\u2212) "${result.label}"`);
    result.tokens.forEach(({ token, score }, i) => {
      const strength = Math.min(1, Math.abs(score) / maxAbs);
      const kind = Math.abs(score) < 0.005 ? 'neutral' : score > 0 ? 'supports' : 'opposes';
      const chip = el('span', `token ${kind}`, token);
      chip.style.setProperty('--strength', strength.toFixed(3));
      const description = `${kind === 'opposes' ? 'opposes' : kind === 'supports' ? 'supports' : 'barely affects'} "${result.label}": ${signed(score)}`;
      chip.title = `${token} — ${description}`;
      chip.dataset.score = String(score);
      chip.append(el('span', 'visually-hidden', ` (${signed(score)})`));
      tokens.append(chip);
      if (i < (result.tokens?.length ?? 0) - 1) tokens.append(' ');
    });
    const ranked = [...result.tokens].sort((a, b) => b.score - a.score);
    const top = ranked[0];
    const bottom = ranked[ranked.length - 1];
    const summary = el('p', 'hint token-summary');
    const parts: string[] = [];
    if (top !== undefined && top.score > 0.005) parts.push(`Strongest support for "${result.label}": "${top.token}" (${signed(top.score)}).`);
    if (bottom !== undefined && bottom.score < -0.005) parts.push(`Strongest opposition: "${bottom.token}" (${signed(bottom.score)}).`);
    summary.textContent = parts.length > 0 ? parts.join(' ') : 'No single token changes the prediction much.';
    const legend = el('p', 'legend');
    legend.append(
      el('span', 'token supports', 'supports'),
      ' ',
      el('span', 'token opposes', 'opposes'),
      ' the predicted label (score = drop in its probability when the token is removed)',
    );
    children.push(el('h3', 'tokens-title', 'Why'), tokens, summary, legend);
  }

  container.replaceChildren(...children);
  container.dataset.text = text;
  container.dataset.label = result.label;
  container.dataset.scores = JSON.stringify(result.scores);
  container.setAttribute('aria-busy', 'false');
}

/**
 * Shows a message (empty input, loading, error) in a result panel and clears its data attributes.
 *
 * @param container - The result element.
 * @param message - What to show.
 * @param kind - `error` styles it as an error.
 * @example
 * ```ts
 * renderMessage(panel, 'Type some text to classify.');
 * ```
 */
export function renderMessage(container: HTMLElement, message: string, kind: 'info' | 'error' = 'info'): void {
  container.replaceChildren(el('p', kind === 'error' ? 'error-text' : 'hint', message));
  delete container.dataset.text;
  delete container.dataset.label;
  delete container.dataset.scores;
}
