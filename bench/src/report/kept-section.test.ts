import { handMeasuredSubsections, KEPT_NOTE, keptEngineReport, keptSubsection } from './kept-section';

const PREVIOUS = [
  '# carbontrace benchmarks',
  '',
  '## Network (the real test network, loopback)',
  '',
  'Load generator: ours.',
  '',
  '### Ingestion: single vs batched submissions, block cutting, Caliper (2026-12-06)',
  '',
  '_Measured by hand on 2026-12-06 (commands named below)._',
  '',
  '| mode | tx/s |',
  '| --- | ---: |',
  '| Submit | 29.6 |',
  '',
  '### End-to-end traces (request → accepted result recorded)',
  '',
  '| case | traces |',
  '| :--- | ---: |',
  '| case4_carbon | 5 |',
  '',
  '## Appendix',
  '',
  '### Not network',
  '',
  '_Measured by hand, but not in the network section._',
].join('\n');

describe('keptSubsection', () => {
  it('keeps a ### subsection up to the next heading, with the note', () => {
    const kept = keptSubsection(PREVIOUS, '### End-to-end traces');
    expect(kept).toBe(
      [
        '### End-to-end traces (request → accepted result recorded)',
        '',
        KEPT_NOTE,
        '',
        '| case | traces |',
        '| :--- | ---: |',
        '| case4_carbon | 5 |',
      ].join('\n'),
    );
    expect(keptSubsection(`${kept ?? ''}\n`, '### End-to-end traces')).toBe(kept);
  });

  it('is undefined without a previous doc or heading', () => {
    expect(keptSubsection(undefined, '### End-to-end traces')).toBeUndefined();
    expect(keptSubsection(PREVIOUS, '### Ledger growth')).toBeUndefined();
  });
});

describe('handMeasuredSubsections', () => {
  it('returns the hand-measured subsections of the named section verbatim', () => {
    const found = handMeasuredSubsections(PREVIOUS, '## Network');
    expect(found).toHaveLength(1);
    expect(found[0]?.split('\n')[0]).toBe(
      '### Ingestion: single vs batched submissions, block cutting, Caliper (2026-12-06)',
    );
    expect(found[0]?.endsWith('| Submit | 29.6 |')).toBe(true);
  });

  it('finds nothing without a previous doc', () => {
    expect(handMeasuredSubsections(undefined, '## Network')).toEqual([]);
  });
});

describe('keptEngineReport', () => {
  const doc = [
    '# carbontrace benchmarks',
    '',
    '## Summary',
    '',
    '- Power flow: **0.9×**.',
    '',
    '## Power flow: ours vs pandapower',
    '',
    '| case | ours |',
    '| --- | ---: |',
    '| case14 | 75 µs |',
    '',
    '## Network (the real test network, loopback)',
    '',
    'Load generator: ours.',
  ].join('\n');

  it('keeps everything from the summary up to the network section, with one kept note', () => {
    const kept = keptEngineReport(doc);
    expect(kept).toBeDefined();
    const text = kept ?? '';
    expect(text.startsWith(`## Summary\n\n${KEPT_NOTE}`)).toBe(true);
    expect(text).toContain('| case14 | 75 µs |');
    expect(text).toContain('## Power flow: ours vs pandapower');
    expect(text).not.toContain('## Network');
    expect(keptEngineReport(text)?.split(KEPT_NOTE).length).toBe(2);
  });

  it('is undefined without a previous doc or without a summary', () => {
    expect(keptEngineReport(undefined)).toBeUndefined();
    expect(keptEngineReport('# carbontrace benchmarks\n\n## Network\n')).toBeUndefined();
  });
});
