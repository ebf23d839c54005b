/**
 * What Intl.Segmenter's segment() returns: the host sends the length of each segment (and for words whether
 * each is word-like), and the segments are sliced from the guest's own string.
 */
interface SegmentData {
  segment: string;
  index: number;
  input: string;
  isWordLike?: boolean;
}

const segmentLists = new WeakMap<object, SegmentData[]>();

function listOf(receiver: unknown, member: string): SegmentData[] {
  const list = typeof receiver === 'object' && receiver !== null ? segmentLists.get(receiver) : undefined;
  if (!list) throw new TypeError(`Method %Segments.prototype%.${member} called on incompatible receiver ${String(receiver)}`);
  return list;
}

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;
const cursors = new WeakMap<object, Iterator<SegmentData>>();
const SegmentIteratorPrototype = Object.create(IteratorPrototype, {
  next: {
    value: function next(this: unknown): IteratorResult<SegmentData> {
      const cursor = typeof this === 'object' && this !== null ? cursors.get(this) : undefined;
      if (!cursor) throw new TypeError(`Method %SegmentIterator.prototype%.next called on incompatible receiver ${String(this)}`);
      return cursor.next();
    },
    writable: true,
    configurable: true,
  },
  [Symbol.toStringTag]: { value: 'Segmenter String Iterator', configurable: true },
}) as object;

const SegmentsPrototype = {
  containing(index?: unknown): SegmentData | undefined {
    const list = listOf(this, 'containing');
    const at = Math.trunc(Number(index)) || 0;
    return list.find((s) => at >= s.index && at < s.index + s.segment.length);
  },
  [Symbol.iterator](): Iterator<SegmentData> {
    const iterator = Object.create(SegmentIteratorPrototype) as Iterator<SegmentData>;
    cursors.set(iterator, listOf(this, '[Symbol.iterator]')[Symbol.iterator]());
    return iterator;
  },
};
for (const key of Reflect.ownKeys(SegmentsPrototype)) Object.defineProperty(SegmentsPrototype, key, { enumerable: false });

export function segmentsOf(input: string, parts: { lengths: number[]; wordLike?: boolean[] }): object {
  const list: SegmentData[] = [];
  let index = 0;
  parts.lengths.forEach((length, i) => {
    const data: SegmentData = { segment: input.slice(index, index + length), index, input };
    if (parts.wordLike) data.isWordLike = parts.wordLike[i]!;
    list.push(data);
    index += length;
  });
  const segments = Object.create(SegmentsPrototype) as object;
  segmentLists.set(segments, list);
  return segments;
}
