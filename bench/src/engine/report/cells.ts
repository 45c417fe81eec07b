/**
 * Table cells shared by the engine report sections. Times are the fastest of the repeated runs
 * (the machine is shared; the minimum is the least disturbed estimate); `minSeconds` equals
 * `seconds` for a measurement that ran once.
 */
import { num, type ChildResult } from '../../child-runner';
import { formatMib, formatNumber, formatRatio, formatSeconds } from '../../report/markdown-table';

export const best = (r: ChildResult | undefined): number => num(r, 'minSeconds');
export const seconds = (r: ChildResult | undefined): string =>
  r === undefined ? 'n/a' : r.ok ? formatSeconds(best(r)) : 'n/a';
export const withIterations = (r: ChildResult | undefined): string =>
  r?.ok === true ? `${formatSeconds(best(r))} (${num(r, 'iterations')} it)` : 'n/a';
export const ratio = (a: ChildResult | undefined, b: ChildResult | undefined): string =>
  formatRatio(best(a) / best(b));
export const nsPerWork = (r: ChildResult | undefined): string =>
  formatNumber((best(r) * 1e9) / num(r, 'work'), 3);
export const peak = (r: ChildResult | undefined): string => formatMib(num(r, 'maxRssKb'));
export const growth = (r: ChildResult | undefined): string =>
  formatMib(num(r, 'maxRssKb') - num(r, 'rssBeforeKb'));
