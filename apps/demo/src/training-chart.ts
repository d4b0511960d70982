import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A live line chart of one training metric: per-batch training values and per-epoch validation points. */
export interface TrainingChart {
  /** Adds a training value at `x` (fractional epoch). */
  addTrain(x: number, value: number): void;
  /** Adds a validation value at the end of an epoch. */
  addValidation(x: number, value: number): void;
  /** Removes every point. */
  clear(): void;
  /** Frees the chart. */
  destroy(): void;
}

/** Options of {@link createTrainingChart}. */
export interface TrainingChartOptions {
  /** Name of the metric, e.g. `Loss`. */
  metric: string;
  /** Fixed y range, e.g. `[0, 1]` for accuracy; default auto. */
  yRange?: [number, number];
}

const HEIGHT = 200;

/**
 * Creates a {@link TrainingChart} (uPlot) in `container`. It resizes with the container, redraws at most
 * once per animation frame, and keeps the number of points in `container.dataset.points`.
 *
 * @param container - The element to draw in (should be visible, so it has a width).
 * @param options - Metric name and y range.
 * @returns The chart.
 * @example
 * ```ts
 * const loss = createTrainingChart(document.querySelector('#loss-chart')!, { metric: 'Loss' });
 * loss.addTrain(0.1, 0.69);
 * ```
 */
export function createTrainingChart(container: HTMLElement, options: TrainingChartOptions): TrainingChart {
  const xs: number[] = [];
  const train: Array<number | null> = [];
  const validation: Array<number | null> = [];
  container.dataset.points = '0';
  const width = (): number => Math.max(200, container.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: options.yRange ? { range: options.yRange } : { auto: true } },
      axes: [
        { label: 'epoch', stroke: '#3b4252', grid: { stroke: '#e5e7eb' } },
        { stroke: '#3b4252', grid: { stroke: '#e5e7eb' }, size: 48 },
      ],
      series: [
        { label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
        {
          label: `training ${options.metric.toLowerCase()}`,
          stroke: '#1d4ed8',
          width: 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u, v) => (v == null ? '–' : v.toFixed(4)),
        },
        {
          label: `validation ${options.metric.toLowerCase()}`,
          stroke: '#b45309',
          width: 2,
          dash: [6, 4],
          spanGaps: true,
          points: { show: true, size: 7, fill: '#b45309' },
          value: (_u, v) => (v == null ? '–' : v.toFixed(4)),
        },
      ],
    },
    [xs, train, validation],
    container,
  );
  let frame: number | undefined;
  const redraw = (): void => {
    container.dataset.points = String(xs.length);
    if (frame !== undefined) return;
    frame = requestAnimationFrame(() => {
      frame = undefined;
      plot.setData([xs, train, validation]);
    });
  };
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
  observer.observe(container);
  const push = (x: number, t: number | null, v: number | null): void => {
    // uPlot needs ascending x; a validation point shares the last batch's x at an epoch's end.
    const last = xs.length - 1;
    if (last >= 0 && xs[last] === x) {
      if (t !== null) train[last] = t;
      if (v !== null) validation[last] = v;
    } else {
      xs.push(x);
      train.push(t);
      validation.push(v);
    }
    redraw();
  };
  return {
    addTrain: (x, value) => push(x, value, null),
    addValidation: (x, value) => push(x, null, value),
    clear() {
      xs.length = 0;
      train.length = 0;
      validation.length = 0;
      redraw();
    },
    destroy() {
      observer.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
      plot.destroy();
    },
  };
}
