export { BoundaryDecodeError, decode, encode, errorRecord, rebuildError, type Encoded, type ErrorRecord } from './codec.ts';
export { type ExportShape, type ModuleShape } from './shape.ts';
