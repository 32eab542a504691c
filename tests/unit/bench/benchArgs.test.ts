// The bench's command line: scenario selection including g (several gateways), and clear refusals.
import { parseArgs } from '../../../scripts/bench';
import { parseBenchArgs } from '../../../scripts/bench/cli';

describe('bench arguments', () => {
  it('runs every scenario, f and g included, when --only is not given', () => {
    expect([...parseArgs([]).only].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('takes g alone or with others, in any case and spacing', () => {
    expect([...parseArgs(['--only', 'G']).only]).toEqual(['g']);
    expect([...parseArgs(['--quick', '--only', 'b, d ,g']).only].sort()).toEqual(['b', 'd', 'g']);
  });

  it('refuses an unknown scenario, naming it and the known ones', () => {
    expect(() => parseArgs(['--only', 'b,i'])).toThrow(/unknown scenario "i" \(known: a, b, c, d, e, f, g, h\)/);
    expect(() => parseArgs(['--only', 'ab'])).toThrow(/unknown scenario "ab"/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
  });
});

describe('bench process shapes (--roles)', () => {
  it('takes one, split and each, one by default', () => {
    expect(parseBenchArgs([]).roles).toBe('one');
    expect(parseBenchArgs(['--roles', 'split']).roles).toBe('split');
    expect(parseBenchArgs(['--roles', 'each', '--only', 'c']).roles).toBe('each');
  });

  it('refuses another shape, naming it and the known ones', () => {
    expect(() => parseBenchArgs(['--roles', 'three'])).toThrow(/--roles expects one, split or each, got "three"/);
  });
});
