// The bench's command line: scenario selection including g (several gateways), and clear refusals.
import { parseArgs } from '../../../scripts/bench';

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
