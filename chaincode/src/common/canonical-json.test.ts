import { canonicalJson } from './canonical-json';
import { SeededRandom } from './prng';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });
  it('rejects NaN, Infinity and undefined with the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow('non-finite number at $.a[1]');
    expect(() => canonicalJson({ a: undefined })).toThrow('undefined value at $.a');
    expect(() => canonicalJson({ a: Infinity })).toThrow(/non-finite/);
  });
  it('writes -0 as 0', () => {
    expect(canonicalJson([-0])).toBe('[0]');
  });
});

describe('SeededRandom', () => {
  it('is reproducible from the seed and separated by label', () => {
    const a = new SeededRandom('seed-1');
    const b = new SeededRandom('seed-1');
    const c = new SeededRandom('seed-1').derive('other');
    const xs = Array.from({ length: 5 }, () => a.nextFloat());
    expect(Array.from({ length: 5 }, () => b.nextFloat())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextFloat())).not.toEqual(xs);
  });
  it('draws uniform floats in [0,1) with mean near 1/2', () => {
    const r = new SeededRandom('uniform');
    let sum = 0;
    for (let i = 0; i < 20000; i += 1) {
      const x = r.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });
  it('draws log-uniform magnitudes inside [lo, hi]', () => {
    const r = new SeededRandom('lu');
    for (let i = 0; i < 1000; i += 1) {
      const x = r.nextLogUniform(0.1, 10);
      expect(x).toBeGreaterThanOrEqual(0.1);
      expect(x).toBeLessThanOrEqual(10);
    }
  });
  it('permutes 0..n-1', () => {
    expect(new SeededRandom('p').permutation(50).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });
});
