// readable-stream is Node's own stream implementation (the Node 18 core), published for bundlers. Its lib/stream.js
// has node:stream's shape (the legacy Stream class with Readable, Writable... on it); its browser entry is Readable.
import Stream from 'readable-stream/lib/stream.js';

type Duplex = InstanceType<typeof Stream.Duplex>;

/** stream.duplexPair() (Node 22, in 20.20): two Duplex streams, each writing into the other's readable side. */
function duplexPair(options?: ConstructorParameters<typeof Stream.Duplex>[0]): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (index: number) =>
    new Stream.Duplex({
      ...(options ?? {}),
      read() {},
      write(chunk, encoding, callback) {
        sides[1 - index]!.push(chunk, encoding);
        callback();
      },
      final(callback) {
        sides[1 - index]!.push(null);
        callback();
      },
    });
  sides.push(make(0), make(1));
  return [sides[0]!, sides[1]!];
}

Object.assign(Stream, { duplexPair, _isArrayBufferView: ArrayBuffer.isView });

export const { Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished, addAbortSignal, promises } = Stream;
export { Stream, duplexPair };
export default Stream;
