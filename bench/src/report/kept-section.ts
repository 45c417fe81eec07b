/**
 * Sections of the previous docs/benchmarks.md that a partial run keeps: a run that measures only
 * some phases (`--engine-only`, `--engine-phases …`) must not wipe the others' numbers. A kept
 * section is copied verbatim, from its `## ` heading to the next one (or to the engine report's
 * trailer), with a note that it comes from an earlier run.
 */

/** The section of `previous` whose `## ` heading starts with `headingPrefix`, or undefined. */
export function keptSection(previous: string | undefined, headingPrefix: string): string | undefined {
  if (previous === undefined) return undefined;
  const lines = previous.split('\n');
  const start = lines.findIndex((line) => line.startsWith(headingPrefix));
  if (start < 0) return undefined;
  // The engine report's trailer (baseline line, failures) follows the last engine section.
  const isEnd = (line: string): boolean =>
    line.startsWith('## ') ||
    line.startsWith('### Measurements that did not run') ||
    line.startsWith('Baseline process');
  let end = lines.findIndex((line, i) => i > start && isEnd(line));
  if (end < 0) end = lines.length;
  const body = lines.slice(start, end);
  const note = '_Kept from the previous run of the whole bench: this run did not measure this section._';
  const [heading, ...rest] = body;
  // A section kept twice keeps one note (and the blank line after the earlier note goes with it).
  const content = rest.join('\n').split(`\n${note}\n`).join('').split('\n');
  return [heading ?? headingPrefix, '', note, ...content].join('\n').trimEnd();
}
