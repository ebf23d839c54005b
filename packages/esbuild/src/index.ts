export { default, default as isolateDeps, type IsolateDepsOptions } from './plugin.ts';
