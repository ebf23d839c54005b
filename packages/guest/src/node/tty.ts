/** node:tty: an isolated package never has a terminal, so colour libraries fall back to plain text. */
import { EventEmitter } from './events.ts';

export const isatty = (_fd: number): boolean => false;

export class ReadStream extends EventEmitter {
  readonly isTTY = false;
  setRawMode(): this {
    return this;
  }
}

export class WriteStream extends EventEmitter {
  readonly isTTY = false;
  readonly columns = 80;
  readonly rows = 24;
  getColorDepth(): number {
    return 1;
  }
  hasColors(): boolean {
    return false;
  }
}

export default { isatty, ReadStream, WriteStream };
