import { createHash } from 'node:crypto';
import { concat, ENGINE_SECTION, section, sections, snapshotMemory, writeU32 } from '@isolate-deps/runtime';

const I64_CONST = 0x42;
const CODE_SECTION = 10;
const CUSTOM_SECTION = 0;
// What a guest without the clock grant sees as the time, instead of when its component was built.
const FROZEN_CLOCK_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

/**
 * With the clocks feature disabled, componentize-js freezes the wall clock of the build into the engine
 * (two `i64.const` instructions): the only bytes of the engine that differ between packages of one world.
 * Rewrites every such constant whose value falls within the build (`fromMs`..`toMs`) to one fixed time of
 * the same encoded length, in place. Returns how many it rewrote.
 */
export function freezeBuildClock(module: Uint8Array, fromMs: number, toMs: number): number {
  const found = sections(module).find((s) => s.id === CODE_SECTION);
  if (!found) return 0;
  const code = { start: found.payloadStart, end: found.end };
  const from = BigInt(Math.floor(fromMs)) * 1_000_000n;
  const to = BigInt(Math.ceil(toMs)) * 1_000_000n;
  let rewritten = 0;
  for (let i = code.start; i < code.end - 10; i++) {
    if (module[i] !== I64_CONST) continue;
    let value = 0n;
    let shift = 0n;
    let end = i + 1;
    for (; end < i + 11; end++) {
      value |= BigInt(module[end]! & 0x7f) << shift;
      shift += 7n;
      if ((module[end]! & 0x80) === 0) break;
    }
    if (value < from || value > to || end - i !== 9) continue;
    let frozen = FROZEN_CLOCK_NS;
    for (let k = i + 1; k <= end; k++) {
      module[k] = Number(frozen & 0x7fn) | (k < end ? 0x80 : 0);
      frozen >>= 7n;
    }
    rewritten++;
  }
  return rewritten;
}

/** `module` with a custom section naming its engine (see runtime/src/engine-id.ts), or as it is when it has no snapshot to take out. */
export function withEngineId(module: Uint8Array): Uint8Array {
  const snapshot = snapshotMemory(module, { anySize: true });
  if (!snapshot) return module;
  const id = new TextEncoder().encode(createHash('sha256').update(snapshot.module).digest('hex'));
  const name = new TextEncoder().encode(ENGINE_SECTION);
  return concat([module, section(CUSTOM_SECTION, [...writeU32(name.length), ...name, ...id])]);
}
