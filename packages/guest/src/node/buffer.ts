// The `buffer` package is the Buffer implementation used by browser bundlers. The members Node added since
// (constants, atob, isUtf8, ...) are added to its module object here.
import buffer from 'buffer';
import { unavailableFunction } from '../denial.ts';

const { Buffer, SlowBuffer, kMaxLength, INSPECT_MAX_BYTES } = buffer;
// V8's limit on a string's length (2^29 - 24), as Node reports it.
const kStringMaxLength = 2 ** 29 - 24;
const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };

function isUtf8(input: ArrayBufferView | ArrayBuffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

function isAscii(input: ArrayBufferView | ArrayBuffer): boolean {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return bytes.every((byte) => byte < 0x80);
}

const atob = globalThis.atob;
const btoa = globalThis.btoa;
const Blob = globalThis.Blob;
const File = globalThis.File;
const transcode = unavailableFunction('unsupported', 'buffer.transcode');
const resolveObjectURL = unavailableFunction('unsupported', 'buffer.resolveObjectURL');

Object.assign(buffer, { constants, kStringMaxLength, isUtf8, isAscii, atob, btoa, Blob, File, transcode, resolveObjectURL });

export { Buffer, SlowBuffer, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, constants, isUtf8, isAscii, atob, btoa, Blob, File, transcode, resolveObjectURL };
export default buffer;
