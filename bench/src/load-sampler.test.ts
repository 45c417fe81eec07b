import { formatLoad, startLoadSampler, summarizeLoad, wasShared } from './load-sampler';

describe('load sampler', () => {
  it('summarizes min, mean and max and calls a load above the cores shared', () => {
    const idle = summarizeLoad([0.5, 1.5, 1.0], 2);
    expect(idle).toEqual({ samples: 3, min: 0.5, mean: 1.0, max: 1.5, cores: 2 });
    expect(wasShared(idle)).toBe(false);
    const busy = summarizeLoad([9, 12, 15], 2);
    expect(wasShared(busy)).toBe(true);
    expect(formatLoad(busy)).toBe('min 9.0, mean 12.0, max 15.0 (2 cores)');
  });

  it('refuses an empty series', () => {
    expect(() => summarizeLoad([], 2)).toThrow(/no load readings/);
  });

  it('takes a reading at start and at stop', () => {
    let reading = 3;
    const sampler = startLoadSampler(60_000, () => reading++);
    const load = sampler.stop();
    expect(load.samples).toBe(2);
    expect(load.min).toBe(3);
    expect(load.max).toBe(4);
  });
});
