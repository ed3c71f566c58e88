// A broker that has just started (or restarted) answers some requests before it can serve them:
// "not the leader for that topic-partition" while leaders are elected, "the coordinator is
// loading" while group state is read back. Boot steps retry through that window.

/**
 * Runs a boot step, again after a growing pause when it fails: 8 attempts over about 25 s, then
 * the last error (a wrong address or wrong credentials end up there too, only later).
 */
export async function whileBrokerSettles<T>(step: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
    }
  }
}
