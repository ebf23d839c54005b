import { beforeAll, beforeEach } from 'vitest';

/** `work`, or an error naming `what` once `budgetMs` has passed; the timer never outlives the work. */
export async function withinBudget<T>(work: Promise<T> | T, budgetMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} ran past its budget of ${budgetMs / 1000} s`)), budgetMs);
  });
  try {
    return await Promise.race([work, overBudget]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `beforeAll` whose failure fails every test of the suite with the setup's error. Vitest reports the tests
 * under a failed `beforeAll` as "skipped", which reads like a choice: a setup that could not run (a build that
 * failed, a browser that would not start) must show as what it is. The budget is enforced here, below
 * vitest's own hook timeout, for the same reason.
 */
export function setUpOrFail(setUp: () => unknown, budgetMs = 540_000): void {
  let failure: unknown;
  let failed = false;
  beforeAll(async () => {
    try {
      await withinBudget(setUp(), budgetMs, 'setup');
    } catch (error) {
      failed = true;
      failure = error;
    }
  }, budgetMs + 60_000);
  beforeEach(() => {
    if (failed) throw failure;
  });
}
