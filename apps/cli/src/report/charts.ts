/**
 * Charts as static SVG, drawn in Node by Observable Plot over linkedom's DOM: no script in the report,
 * vectors on paper, `<title>` tooltips and ARIA labels for assistive technology. Loaded only when a
 * command writes a report.
 */
import type { PlotOptions } from '@observablehq/plot';
import { OKABE_ITO } from './html.js';

/** The Plot module. */
export type PlotApi = typeof import('@observablehq/plot');

/** Draws charts; see {@link loadCharts}. */
export interface Charts {
  /** The Plot module, for its marks. */
  Plot: PlotApi;
  /**
   * Draws a chart twice, `wide` px (640 by default) for screens and paper and 340 px for phones, from options
   * built for a given width.
   */
  draw(build: (width: number) => PlotOptions, wide?: number): { wide: string; narrow: string };
}

/** Width of the wide and the narrow drawing. */
export const CHART_WIDTHS = { wide: 640, narrow: 340 } as const;

/**
 * Loads Plot and linkedom (once per call; the CLI draws one report per run).
 *
 * @returns The chart renderer.
 * @example
 * ```ts
 * const { Plot, draw } = await loadCharts();
 * const svg = draw((width) => ({ width, marks: [Plot.lineY([1, 3, 2])] }));
 * ```
 */
export async function loadCharts(): Promise<Charts> {
  const [Plot, { parseHTML }] = await Promise.all([import('@observablehq/plot'), import('linkedom')]);
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const render = (options: PlotOptions): string => {
    const node = Plot.plot({ ...options, document: document as unknown as PlotOptions['document'] }) as unknown as { outerHTML: string };
    return node.outerHTML;
  };
  return {
    Plot,
    draw(build, wide = CHART_WIDTHS.wide) {
      const style = (width: number): PlotOptions => {
        const options = build(width);
        return {
          ...options,
          style: { fontSize: width < 400 ? '11px' : '12px', overflow: 'visible', ...(typeof options.style === 'object' ? options.style : {}) },
        };
      };
      return { wide: render(style(wide)), narrow: render(style(CHART_WIDTHS.narrow)) };
    },
  };
}

/** A colour per label, Okabe–Ito in label order. */
export function labelColors(labels: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...labels], range: labels.map((_, i) => OKABE_ITO[i % OKABE_ITO.length]!) };
}
