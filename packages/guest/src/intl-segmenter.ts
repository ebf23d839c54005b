/**
 * The guest engine is built without Intl. Some packages need only `Intl.Segmenter` to measure strings
 * (string-width, used by yargs' help layout, creates one at load time). This one splits by code point and keeps
 * combining marks, variation selectors and zero-width joiners with the character before them: right for
 * the text command-line tools print, approximate for complex emoji sequences.
 */
const EXTENDS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\u200d]|\udb40[\udd00-\uddef]/;

interface SegmentData {
  segment: string;
  index: number;
  input: string;
}

class Segmenter {
  segment(input: string): Iterable<SegmentData> & { containing(index: number): SegmentData | undefined } {
    const text = String(input);
    const segments: SegmentData[] = [];
    let index = 0;
    let joinNext = false;
    for (const char of text) {
      const last = segments[segments.length - 1];
      if (last && (joinNext || EXTENDS.test(char))) last.segment += char;
      else segments.push({ segment: char, index, input: text });
      joinNext = char === '\u200d';
      index += char.length;
    }
    return {
      [Symbol.iterator]: () => segments[Symbol.iterator](),
      containing: (at: number) => segments.find((s) => at >= s.index && at < s.index + s.segment.length),
    };
  }

  resolvedOptions(): { locale: string; granularity: string } {
    return { locale: 'en', granularity: 'grapheme' };
  }
}

const globals = globalThis as { Intl?: Record<string, unknown> };
if (globals.Intl === undefined) globals.Intl = { Segmenter };
else globals.Intl.Segmenter ??= Segmenter;
