export { BoundaryDecodeError, BoundaryLimitError, DEFAULT_MAX_DECODE_LENGTH, decode, decodeMarked, encode, encodeMarked, errorRecord, isDataObject, rebuildError, type DecodeOptions, type Encoded, type ErrorRecord, type Handles } from './codec.ts';
export { handleRef, Op, STRING_REPLY, TAGGED_MARK, type HandleKind, type OpCode } from './protocol.ts';
export { type ExportShape, type ModuleShape } from './shape.ts';
export { applyWriteBack, ArgumentWatch, frameWriteBack, mayChange, splitWriteBack } from './write-back.ts';
export { BUILTIN_METHODS, LOCALE_FIELDS, SERVICES, type ArgumentKind, type Service } from './intl-protocol.ts';
