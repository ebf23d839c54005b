import { beforeAll, beforeEach } from 'vitest';

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
    let timer: NodeJS.Timeout | undefined;
    const overBudget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`setup ran past its budget of ${budgetMs / 1000} s`)), budgetMs);
    });
    try {
      await Promise.race([setUp(), overBudget]);
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      clearTimeout(timer);
    }
  }, budgetMs + 60_000);
  beforeEach(() => {
    if (failed) throw failure;
  });
}
