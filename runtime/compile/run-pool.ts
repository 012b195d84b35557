import os from "node:os";

/** Runs `work` on every item, at most `jobs` at a time (by default one per core: builds are CPU-bound). */
export async function runPool<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>, jobs = os.availableParallelism()): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}
