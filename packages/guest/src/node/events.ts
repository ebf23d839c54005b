// The `events` package is Node's own EventEmitter, published for bundlers.
import events from 'events';
export const EventEmitter = events.EventEmitter;
export const once = events.once;
export default events;
