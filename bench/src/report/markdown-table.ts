/** Markdown tables and number formatting for docs/benchmarks.md. */

/** A table: header cells and rows of cells. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Renders a GitHub-flavoured markdown table (first column left, others right-aligned). */
export function renderTable(table: Table): string {
  const align = table.header.map((_, i) => (i === 0 ? ':---' : '---:'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.header), line(align), ...table.rows.map(line)].join('\n');
}

/** Seconds with a unit that keeps three significant digits (µs, ms, s); `–` for NaN. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 1e-3) return `${(seconds * 1e6).toPrecision(3)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  return `${seconds.toPrecision(3)} s`;
}

/** A ratio such as `2.31×`; `–` for NaN. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return ratio >= 100 ? `${ratio.toFixed(0)}×` : `${ratio.toPrecision(3)}×`;
}

/** Kilobytes as MiB with one decimal; `–` for NaN. */
export function formatMib(kb: number): string {
  if (!Number.isFinite(kb)) return '–';
  return `${(kb / 1024).toFixed(1)} MiB`;
}

/** A number with a given number of significant digits; `–` for NaN. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '–';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6))
    return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toLocaleString('en-US');
}

/** An integer with thousands separators. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}
