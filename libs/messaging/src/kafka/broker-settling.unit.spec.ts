import { whileBrokerSettles } from './broker-settling';

describe('whileBrokerSettles', () => {
  it('retries a step the settling broker refuses, and gives back what it returns once it is served', async () => {
    let calls = 0;
    const result = await whileBrokerSettles(async () => {
      calls++;
      if (calls < 3) throw new Error('This server is not the leader for that topic-partition');
      return 'served';
    });
    expect(result).toBe('served');
    expect(calls).toBe(3);
  });

  it('gives up with the last error after its attempts', async () => {
    let calls = 0;
    await expect(
      whileBrokerSettles(async () => {
        calls++;
        throw new Error(`refused ${calls}`);
      }, 2),
    ).rejects.toThrow('refused 2');
    expect(calls).toBe(2);
  });
});
