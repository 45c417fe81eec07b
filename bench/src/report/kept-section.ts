/**
 * Sections of the previous docs/benchmarks.md that a partial run keeps: a run that measures only
 * some phases (`--engine-only`, `--engine-phases …`, `--network-phases …`) must not wipe the
 * others' numbers. A kept section is copied verbatim, from its heading to the next heading of the
 * same or a higher level (or, for `## ` sections, to the engine report's trailer), with a note that
 * it comes from an earlier run. Subsections measured by hand (their first line after the heading
 * starts with `_Measured by hand`) are not the bench's to regenerate: the network report keeps
 * them as they are.
 */

/** The note a kept section carries (once, however often it is kept). */
export const KEPT_NOTE =
  '_Kept from the previous run of the whole bench: this run did not measure this section._';

/** How a subsection written by hand begins (its first line after the heading). */
export const HAND_MEASURED_MARK = '_Measured by hand';

/** The lines from `start` to (not including) the first later line where `isEnd` holds. */
function linesFrom(lines: readonly string[], start: number, isEnd: (line: string) => boolean): string[] {
  let end = lines.findIndex((line, i) => i > start && isEnd(line));
  if (end < 0) end = lines.length;
  return lines.slice(start, end);
}

/** A section's lines with the kept note right after its heading (an earlier note removed). */
function withNote(body: readonly string[], fallbackHeading: string): string {
  const [heading, ...rest] = body;
  // A section kept twice keeps one note (and the blank line after the earlier note goes with it).
  const content = rest.join('\n').split(`\n${KEPT_NOTE}\n`).join('').split('\n');
  return [heading ?? fallbackHeading, '', KEPT_NOTE, ...content].join('\n').trimEnd();
}

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
  return withNote(linesFrom(lines, start, isEnd), headingPrefix);
}

/**
 * The engine part of `previous` (from `## Summary` up to the `## Network` section), kept, for a
 * run that measured only the network; undefined when `previous` has none.
 */
export function keptEngineReport(previous: string | undefined): string | undefined {
  if (previous === undefined) return undefined;
  const lines = previous.split('\n');
  const start = lines.findIndex((line) => line.startsWith('## Summary'));
  if (start < 0) return undefined;
  return withNote(
    linesFrom(lines, start, (line) => line.startsWith('## Network')),
    '## Summary',
  );
}

const isHeading = (line: string): boolean => line.startsWith('## ') || line.startsWith('### ');

/** The `### ` subsection of `previous` whose heading starts with `headingPrefix`, kept, or undefined. */
export function keptSubsection(previous: string | undefined, headingPrefix: string): string | undefined {
  if (previous === undefined) return undefined;
  const lines = previous.split('\n');
  const start = lines.findIndex((line) => line.startsWith(headingPrefix));
  if (start < 0) return undefined;
  return withNote(linesFrom(lines, start, isHeading), headingPrefix);
}

/**
 * The `### ` subsections of the `## ` section of `previous` headed `sectionPrefix` that were
 * measured by hand, verbatim (trailing blank lines trimmed), in their order.
 */
export function handMeasuredSubsections(previous: string | undefined, sectionPrefix: string): string[] {
  if (previous === undefined) return [];
  const lines = previous.split('\n');
  const start = lines.findIndex((line) => line.startsWith(sectionPrefix));
  if (start < 0) return [];
  const section = linesFrom(lines, start, (line) => line.startsWith('## '));
  const found: string[] = [];
  section.forEach((line, i) => {
    if (!line.startsWith('### ')) return;
    const body = linesFrom(section, i, isHeading);
    const first = body.slice(1).find((l) => l.trim() !== '' && l !== KEPT_NOTE);
    if (first?.startsWith(HAND_MEASURED_MARK) === true) found.push(body.join('\n').trimEnd());
  });
  return found;
}
