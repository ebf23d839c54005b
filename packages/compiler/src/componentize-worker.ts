/** A build process (componentize-pool.ts): componentizes one guest bundle per message, off the main process. */
import { componentizeAndTranspile } from './componentize.ts';

export interface ComponentizeRequest {
  guestCode: string;
  wit: string;
}

process.on('message', async ({ guestCode, wit }: ComponentizeRequest) => {
  try {
    process.send!({ built: await componentizeAndTranspile(guestCode, wit) });
  } catch (error) {
    const { message, stack } = error as Error;
    process.send!({ error: { message: String(message), stack: String(stack) } });
  }
});
