/** node:util/types, by the engine's own brand checks (Object.prototype.toString tags and instanceof). */
const tag = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);
const typedArrayTag = (value: unknown): string | undefined => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? tag(value) : undefined);
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = function* () {}.constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;
const isTyped = (name: string) => (value: unknown) => typedArrayTag(value) === name;
const boxed = [Number, String, Boolean, BigInt, Symbol] as const;

export const isArrayBuffer = (value: unknown): boolean => value instanceof ArrayBuffer;
export const isSharedArrayBuffer = (value: unknown): boolean => typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer;
export const isAnyArrayBuffer = (value: unknown): boolean => isArrayBuffer(value) || isSharedArrayBuffer(value);
export const isArrayBufferView = (value: unknown): boolean => ArrayBuffer.isView(value);
export const isAsyncFunction = (value: unknown): boolean => value instanceof AsyncFunction || value instanceof AsyncGeneratorFunction;
export const isGeneratorFunction = (value: unknown): boolean => value instanceof GeneratorFunction || value instanceof AsyncGeneratorFunction;
export const isGeneratorObject = (value: unknown): boolean => tag(value) === 'Generator';
export const isBoxedPrimitive = (value: unknown): boolean => typeof value === 'object' && value !== null && boxed.some((type) => value instanceof type);
export const isNumberObject = (value: unknown): boolean => typeof value === 'object' && value instanceof Number;
export const isStringObject = (value: unknown): boolean => typeof value === 'object' && value instanceof String;
export const isBooleanObject = (value: unknown): boolean => typeof value === 'object' && value instanceof Boolean;
export const isBigIntObject = (value: unknown): boolean => typeof value === 'object' && value instanceof BigInt;
export const isSymbolObject = (value: unknown): boolean => typeof value === 'object' && value instanceof Symbol;
export const isDataView = (value: unknown): boolean => value instanceof DataView;
export const isDate = (value: unknown): boolean => value instanceof Date;
export const isMap = (value: unknown): boolean => value instanceof Map;
export const isSet = (value: unknown): boolean => value instanceof Set;
export const isWeakMap = (value: unknown): boolean => value instanceof WeakMap;
export const isWeakSet = (value: unknown): boolean => value instanceof WeakSet;
export const isMapIterator = (value: unknown): boolean => tag(value) === 'Map Iterator';
export const isSetIterator = (value: unknown): boolean => tag(value) === 'Set Iterator';
export const isPromise = (value: unknown): boolean => value instanceof Promise;
export const isRegExp = (value: unknown): boolean => value instanceof RegExp;
export const isNativeError = (value: unknown): boolean => value instanceof Error;
export const isArgumentsObject = (value: unknown): boolean => tag(value) === 'Arguments';
export const isModuleNamespaceObject = (value: unknown): boolean => tag(value) === 'Module';
// The engine gives no way to tell a proxy or an external from the object it stands for.
export const isProxy = (_value: unknown): boolean => false;
export const isExternal = (_value: unknown): boolean => false;
export const isKeyObject = (_value: unknown): boolean => false;
export const isCryptoKey = (value: unknown): boolean => typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
export const isTypedArray = (value: unknown): boolean => typedArrayTag(value) !== undefined;
export const isUint8Array = isTyped('Uint8Array');
export const isUint8ClampedArray = isTyped('Uint8ClampedArray');
export const isUint16Array = isTyped('Uint16Array');
export const isUint32Array = isTyped('Uint32Array');
export const isInt8Array = isTyped('Int8Array');
export const isInt16Array = isTyped('Int16Array');
export const isInt32Array = isTyped('Int32Array');
export const isFloat32Array = isTyped('Float32Array');
export const isFloat64Array = isTyped('Float64Array');
export const isBigInt64Array = isTyped('BigInt64Array');
export const isBigUint64Array = isTyped('BigUint64Array');

export default {
  isArrayBuffer, isSharedArrayBuffer, isAnyArrayBuffer, isArrayBufferView, isAsyncFunction, isGeneratorFunction, isGeneratorObject, isBoxedPrimitive,
  isNumberObject, isStringObject, isBooleanObject, isBigIntObject, isSymbolObject, isDataView, isDate, isMap, isSet, isWeakMap, isWeakSet, isMapIterator,
  isSetIterator, isPromise, isRegExp, isNativeError, isArgumentsObject, isModuleNamespaceObject, isProxy, isExternal, isKeyObject, isCryptoKey, isTypedArray,
  isUint8Array, isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array, isInt16Array, isInt32Array, isFloat32Array, isFloat64Array, isBigInt64Array,
  isBigUint64Array,
};
