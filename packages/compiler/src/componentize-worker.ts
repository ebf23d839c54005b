/** A build worker (componentize-pool.ts): componentizes one guest bundle per message, off the main thread. */
import { parentPort } from 'node:worker_threads';
import { componentizeAndTranspile } from './componentize.ts';

export interface ComponentizeRequest {
  id: number;
  guestCode: string;
  wit: string;
}

parentPort!.on('message', async ({ id, guestCode, wit }: ComponentizeRequest) => {
  try {
    const built = await componentizeAndTranspile(guestCode, wit);
    const buffers = Object.values(built.files).map((bytes) => bytes.buffer as ArrayBuffer);
    parentPort!.postMessage({ id, built }, [...new Set(buffers)]);
  } catch (error) {
    const { message, stack } = error as Error;
    parentPort!.postMessage({ id, error: { message: String(message), stack: String(stack) } });
  }
});
