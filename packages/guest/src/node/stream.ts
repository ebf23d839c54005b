// readable-stream is Node's own stream implementation (the Node 18 core), published for bundlers; its browser entry avoids node:stream.
import stream from 'readable-stream/lib/ours/browser.js';
export const { Readable, Writable, Duplex, Transform, PassThrough, Stream, pipeline, finished, addAbortSignal, promises } = stream;
export default stream;
