/**
 * MessageChannel and MessagePort, globals in Node that the engine inside a component lacks (undici refers to
 * MessagePort while loading). Both ports live in the one guest: a message is a structured clone delivered to
 * the other port as a 'message' event on a later turn, as in Node.
 */
export class MessagePort extends EventTarget {
  #other: MessagePort | undefined;
  #closed = false;
  #onmessage: ((event: Event) => void) | null = null;

  static link(a: MessagePort, b: MessagePort): void {
    a.#other = b;
    b.#other = a;
  }

  get onmessage(): ((event: Event) => void) | null {
    return this.#onmessage;
  }

  set onmessage(listener: ((event: Event) => void) | null) {
    if (this.#onmessage) this.removeEventListener('message', this.#onmessage);
    this.#onmessage = listener;
    if (listener) this.addEventListener('message', listener);
  }

  postMessage(message: unknown): void {
    const target = this.#other;
    if (this.#closed || !target) return;
    const data = structuredClone(message);
    setTimeout(() => {
      if (target.#closed) return;
      target.dispatchEvent(Object.assign(new Event('message'), { data, ports: [] }));
    }, 0);
  }

  start(): void {}

  close(): void {
    this.#closed = true;
    if (this.#other) this.#other.#closed = true;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

export class MessageChannel {
  readonly port1 = new MessagePort();
  readonly port2 = new MessagePort();
  constructor() {
    MessagePort.link(this.port1, this.port2);
  }
}

export function installMessageChannel(): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  globals.MessagePort ??= MessagePort;
  globals.MessageChannel ??= MessageChannel;
}
