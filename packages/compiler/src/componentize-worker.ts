/** A build process (componentize-pool.ts): prepares a world or componentizes one guest bundle, off the main process. */
import { componentizeAndTranspile, prepareWorld, type BuiltComponent } from './componentize.ts';
import type { WorldTemplate } from './world-template.ts';

export type ComponentizeRequest =
  | { prepare: true; wit: string }
  /** `template`: from an earlier build of the same world, when the pool holds one. */
  | { prepare?: false; guestCode: string; wit: string; template?: WorldTemplate };

export interface ComponentizeReply {
  built?: BuiltComponent;
  error?: { message: string; stack: string };
  /** Sent back when this build made or completed one (otherwise the pool holds it already). */
  template?: WorldTemplate;
}

process.on('message', async (request: ComponentizeRequest) => {
  let reply: ComponentizeReply;
  try {
    if (request.prepare) reply = { template: prepareWorld(request.wit) };
    else {
      const done = await componentizeAndTranspile(request.guestCode, request.wit, request.template);
      reply = { built: done.built, template: done.fromTemplate ? undefined : done.template };
    }
  } catch (error) {
    const { message, stack } = error as Error;
    reply = { error: { message: String(message), stack: String(stack) } };
  }
  process.send!(reply);
});
