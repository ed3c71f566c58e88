import { memoised } from './memo';

describe('memoised', () => {
  it('computes once per distinct arguments and gives the same result after', () => {
    const calls: string[] = [];
    const termEnd = memoised((anchor, months) => {
      calls.push(`${anchor}+${months}`);
      return { end: `${anchor}/${months}` };
    });
    const first = termEnd('2027-01-31', '1');
    expect(termEnd('2027-01-31', '1')).toBe(first);
    expect(termEnd('2027-01-31', '2')).toEqual({ end: '2027-01-31/2' });
    expect(calls).toEqual(['2027-01-31+1', '2027-01-31+2']);
  });

  it('starts over when full, and stays right', () => {
    let computed = 0;
    const double = memoised((value) => {
      computed += 1;
      return Number(value) * 2;
    }, 2);
    expect([double('1'), double('2'), double('3'), double('1')]).toEqual([2, 4, 6, 2]);
    expect(computed).toBe(4);
  });
});
