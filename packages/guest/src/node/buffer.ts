// The `buffer` package is the Buffer implementation used by browser bundlers.
export { Buffer, SlowBuffer, kMaxLength, INSPECT_MAX_BYTES } from 'buffer';
import buffer from 'buffer';
export default buffer;
