/**
 * The shell every HTML report shares: one self-contained page (inline CSS, inline SVG, the data as inline
 * JSON; no script, no fetch), readable on a phone and on paper, usable with a keyboard.
 */

/** Okabe–Ito: eight colours told apart with every common colour-vision deficiency. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;

/** Text safe inside HTML elements and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `0.9123`; `–` for null, NaN and undefined. */
export function metric(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** `12.3%`; `–` when undefined. */
export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** `12,345`. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A cell of {@link table}: text (escaped), or `{ html }` already escaped, optionally right-aligned. */
export type Cell = string | number | { html: string; numeric?: boolean };

/**
 * A table in a horizontally scrollable, keyboard-focusable region (a narrow screen scrolls the table, not
 * the page).
 *
 * @param caption - What the table shows (also its accessible name).
 * @param head - Column headings.
 * @param rows - Rows of cells; numbers are right-aligned.
 * @param rowHeaders - Whether the first cell of each row heads it.
 * @returns HTML.
 */
export function table(caption: string, head: readonly string[], rows: ReadonlyArray<readonly Cell[]>, rowHeaders = true): string {
  const cell = (value: Cell, i: number): string => {
    const tag = rowHeaders && i === 0 ? 'th scope="row"' : 'td';
    const close = rowHeaders && i === 0 ? 'th' : 'td';
    if (typeof value === 'number') return `<${tag} class="num">${escapeHtml(String(value))}</${close}>`;
    if (typeof value === 'string') return `<${tag}>${escapeHtml(value)}</${close}>`;
    return `<${tag}${value.numeric ? ' class="num"' : ''}>${value.html}</${close}>`;
  };
  return (
    `<div class="table-wrap" role="region" tabindex="0" aria-label="${escapeHtml(caption)}"><table><caption>${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')}</tbody></table></div>`
  );
}

/** A section of a report. */
export interface ReportSection {
  /** Anchor id. */
  id: string;
  /** Heading. */
  title: string;
  /** Body HTML. */
  html: string;
}

/**
 * The last part of a path, for titles (either separator, trailing ones ignored).
 *
 * @param path - A file or directory path.
 * @returns Its name.
 */
export function baseName(path: string): string {
  return (
    path
      .split(/[\\/]/)
      .filter((p) => p !== '')
      .pop() ?? path
  );
}

/** What {@link renderPage} needs. */
export interface PageOptions {
  /** The page title and main heading. */
  title: string;
  /** Lines under the heading (escaped here); the time the page was written is added last. */
  facts: readonly string[];
  /** Headline figures: label and value. */
  headline: ReadonlyArray<{ label: string; value: string; note?: string }>;
  /** The sections, in order; each gets an entry in the contents. */
  sections: readonly ReportSection[];
  /** The report's data, embedded as JSON (the same object `--json` prints). */
  data: unknown;
}

const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--accent:#0b5cad;--pos:#0072B2;--neg:#D55E00}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:#fff}
a{color:var(--accent)}
:focus-visible{outline:3px solid #E69F00;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
header,main,footer{max-width:1120px;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0 .4rem;line-height:1.25}
h2{font-size:1.3rem;margin:2.2rem 0 .6rem;padding-top:.4rem;border-top:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.facts{margin:0;padding:0;list-style:none;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
nav.toc{margin:1rem 0;font-size:.95rem}
nav.toc ol{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:0;padding:0;list-style:none}
.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.6rem;margin:1rem 0}
.headline div{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.headline dt{font-size:.8rem;color:var(--muted)}
.headline dd{margin:0;font-size:1.45rem;font-weight:600;font-variant-numeric:tabular-nums}
.headline .note{display:block;font-size:.75rem;font-weight:400;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:1rem 1.5rem}
figure{margin:0 0 1rem;break-inside:avoid}
figcaption{font-size:.88rem;color:var(--muted);margin-top:.3rem}
figure svg{max-width:100%;height:auto;display:block}
.chart-narrow{display:none}
@media (max-width:40rem){.chart-wide{display:none}.chart-narrow{display:block}h1{font-size:1.3rem}}
.table-wrap{overflow-x:auto;margin:.4rem 0 1rem;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
caption{text-align:left;padding:.45rem .6rem;font-size:.85rem;color:var(--muted);caption-side:top}
th,td{padding:.35rem .6rem;border-top:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--soft);border-top:none;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
tbody tr:nth-child(even){background:#fbfcfd}
tr.chosen{background:#fff4d6 !important}
details{margin:.4rem 0 1rem}
summary{cursor:pointer;color:var(--accent);font-weight:500}
.example{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;margin:.6rem 0;break-inside:avoid}
.example p{margin:.2rem 0}
.meta{font-size:.85rem;color:var(--muted)}
.tokens{line-height:2;overflow-wrap:anywhere}
.tok{padding:.05rem .15rem;border-radius:3px}
.tok.s{border-bottom:2px solid var(--pos)}
.tok.o{border-bottom:2px dotted var(--neg)}
.legend-swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;vertical-align:-.1rem;margin-right:.2rem}
.bar{display:inline-block;height:.7rem;border-radius:2px;vertical-align:middle;background:var(--pos)}
.warn{background:#fff4d6;border:1px solid #e6c35c;border-radius:6px;padding:.5rem .8rem}
footer{color:var(--muted);font-size:.82rem;padding-bottom:2rem;margin-top:2rem}
@media print{.skip,nav.toc{display:none}body{font-size:11pt}h2{break-after:avoid}.table-wrap{overflow:visible;border:none}a{color:inherit}.chart-narrow{display:none!important}.chart-wide{display:block!important}}
`;

/** JSON that is safe inside a `<script type="application/json">` element. */
function inlineJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The whole HTML document.
 *
 * @param options - Title, facts, headline figures, sections and data.
 * @returns A self-contained HTML page.
 */
export function renderPage(options: PageOptions): string {
  const facts = [...options.facts, `written ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`];
  const toc = options.sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('');
  const headline = options.headline
    .map((h) => `<div><dt>${escapeHtml(h.label)}</dt><dd>${escapeHtml(h.value)}${h.note ? `<span class="note">${escapeHtml(h.note)}</span>` : ''}</dd></div>`)
    .join('');
  const sections = options.sections
    .map((s) => `<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${escapeHtml(s.title)}</h2>${s.html}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>
<h1>${escapeHtml(options.title)}</h1>
<ul class="facts">${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>
<nav class="toc" aria-label="Contents"><ol>${toc}</ol></nav>
</header>
<main id="main" tabindex="-1">
<dl class="headline">${headline}</dl>
${sections}
</main>
<footer>Written by glossa. The data behind this page is inside it as JSON (the element with id "glossa-data"), the same as the command's --json output.</footer>
<script type="application/json" id="glossa-data">${inlineJson(options.data)}</script>
</body>
</html>
`;
}

/** A figure holding a chart drawn twice, for wide screens and for phones, with a caption. */
export function figure(chart: { wide: string; narrow: string }, caption: string): string {
  return `<figure><div class="chart-wide">${chart.wide}</div><div class="chart-narrow">${chart.narrow}</div><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
