import { parseMemoryQuantity } from '../src/memory-limit';

describe('a memory quantity', () => {
  it('reads what a pod spec says', () => {
    expect(parseMemoryQuantity('512Mi')).toBe(536_870_912);
    expect(parseMemoryQuantity('1Gi')).toBe(1_073_741_824);
    expect(parseMemoryQuantity('300M')).toBe(300_000_000);
    expect(parseMemoryQuantity('4096')).toBe(4096);
  });

  it('refuses anything else, saying what it expected', () => {
    expect(() => parseMemoryQuantity('1.5Gi')).toThrow('"1.5Gi" is not a memory quantity (e.g. 512Mi, 1Gi)');
    expect(() => parseMemoryQuantity('lots')).toThrow('not a memory quantity');
  });
});
