export { default, default as isolateDeps, type IsolateDepsViteOptions } from './plugin.ts';
