import { promises } from './timers.ts';
export const { setTimeout, setImmediate } = promises;
export default promises;
