// readable-stream is Node's own stream implementation (the Node 18 core), published for bundlers. Its lib/stream.js
// has node:stream's shape (the legacy Stream class with Readable, Writable... on it); its browser entry is Readable.
import Stream from 'readable-stream/lib/stream.js';
export const { Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished, addAbortSignal, promises } = Stream;
export { Stream };
export default Stream;
