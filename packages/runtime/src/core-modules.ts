import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { engineIdOf } from './engine-id.ts';
import { capMemory } from './memory-cap.ts';
import { MemoryRecycler } from './memory-recycler.ts';
import { snapshotMemory, type MemorySnapshot } from './memory-snapshot.ts';
import { engineFile, IMAGE_SUFFIX, unpackImage, unpackImageAsync } from './packed-core.ts';
import { readTransient, readTransientAgain, readTransientAsync } from './transient-buffer.ts';

/** The policy's `instance` mode: it decides whether a package's memory image is kept once its memory is written. */
export type InstanceMode = 'shared' | 'per-call' | 'pool';

/** A compiled core module, and for one that imports its memory, where that memory comes from. */
export interface CoreModule {
  module: WebAssembly.Module;
  /** Memories in the package's initial state (its snapshot image), when the module imports its memory. */
  memories?: MemoryRecycler;
}

// Per package file (and memory cap and instance mode): what an instance in this thread uses.
const loaded = new Map<string, CoreModule>();
// Engines shared by packages of one world, by the id the compiler wrote (engine-id.ts): compiled once per process.
const engines = new Map<string, WebAssembly.Module>();
const CORE_FILE = /\.core\d*\.wasm$/;

/**
 * The core module `file` of a component for an instance in this thread, compiled once per process:
 * - a module shipped packed (packed-core.ts) is the shared engine file with this package's image;
 * - a module that names its engine (engine-id.ts) is compiled as the shared engine, which imports its memory;
 *   each package then gets memories holding its own snapshot image;
 * - otherwise, for per-call instances, a module that defines the component's memory is compiled to import it
 *   instead (see memory-snapshot.ts), with the same memories;
 * - otherwise the module as it is.
 */
export function instanceCoreModule(dir: string, file: string, memoryMb: number | undefined, mode: InstanceMode): CoreModule {
  const key = keyOf(dir, file, memoryMb, mode);
  let found = loaded.get(key);
  if (!found) {
    found = packedEngine(dir, file, memoryMb, mode);
    if (!found) {
      const { bytes: read, identity } = readTransient(path.join(dir, file));
      const bytes = capped(read, memoryMb);
      // The closure takes the file's identity, not its bytes (which it would keep alive).
      found = sharedEngine(bytes, mode === 'shared' ? () => snapshotAgain(dir, file, memoryMb, identity) : undefined) ?? ownModule(bytes, mode === 'per-call');
    }
    loaded.set(key, found);
  }
  return found;
}

/** The core module `file` as it is, defining its own memory: what a worker thread runs (it receives it compiled). */
export function coreModule(dir: string, file: string, memoryMb: number | undefined): WebAssembly.Module {
  const key = `${keyOf(dir, file, memoryMb, 'shared')}\0own`;
  let found = loaded.get(key);
  if (!found) {
    found = ownModule(capped(readFileSync(path.join(dir, file)), memoryMb), false);
    loaded.set(key, found);
  }
  return found.module;
}

/** Every core module of the component in `dir`, as they are. */
export function allCoreModules(dir: string, memoryMb: number | undefined): Record<string, WebAssembly.Module> {
  return Object.fromEntries(readdirSync(dir).filter((f) => CORE_FILE.test(f)).map((f) => [f, coreModule(dir, f, memoryMb)]));
}

// Core modules to prepare ahead of their first call, one after the other.
const ahead: (() => Promise<void>)[] = [];
let aheadTimer: NodeJS.Timeout | undefined;
// From the first module taken until the queue is empty: a package defined meanwhile joins the queue.
let preparing = false;
// How long the app must have defined no further isolated package before preparing starts: by then its module
// graph has loaded. (Loading itself takes turns of the event loop, on Node 20 for each hooks-thread round trip.)
const SETTLE_MS = 50;

/**
 * Prepares the core modules of the component in `dir` before the first call needs them: read, split from
 * their memory image, and compiled (an engine already compiled for another package is not compiled again).
 * Preparing starts once the app's modules have loaded, one module at a time, so start-up itself pays nothing;
 * the timers are unref'd, so a short script that never calls the package exits without waiting for them. A call that comes first prepares its module synchronously; a failure here is left for that
 * path to report where the call happens.
 */
export function compileAhead(dir: string, memoryMb: number | undefined, mode: InstanceMode): void {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  const cores = new Set(files.filter((f) => CORE_FILE.test(f)));
  for (const f of files) if (f.endsWith(IMAGE_SUFFIX) && CORE_FILE.test(f.slice(0, -IMAGE_SUFFIX.length))) cores.add(f.slice(0, -IMAGE_SUFFIX.length));
  for (const file of cores) ahead.push(() => prepare(dir, file, memoryMb, mode));
  if (preparing) return;
  clearTimeout(aheadTimer);
  aheadTimer = setTimeout(prepareNext, SETTLE_MS).unref();
}

function prepareNext(): void {
  aheadTimer = undefined;
  const next = ahead.shift();
  preparing = next !== undefined;
  if (!next) return;
  // A failure is reported by the call that needs this module, on the synchronous path.
  void next()
    .catch(() => {})
    .then(() => {
      setImmediate(prepareNext).unref();
    });
}

/**
 * One core module made ready as instanceCoreModule would, with the engine compiled off the main thread
 * (WebAssembly.compile) and a packed image read and decompressed on the thread pool; only splitting a whole
 * module from its memory image runs on this thread. A call that comes while this is under way prepares its
 * module itself, and the first result stored is kept.
 */
async function prepare(dir: string, file: string, memoryMb: number | undefined, mode: InstanceMode): Promise<void> {
  const key = keyOf(dir, file, memoryMb, mode);
  if (loaded.has(key)) return;
  if (!existsSync(path.join(dir, file))) {
    if (!existsSync(path.join(dir, file + IMAGE_SUFFIX))) return;
    const snapshot = await unpackImageAsync(dir, file, memoryMb);
    if (!engines.has(snapshot.engineId)) {
      const module = await WebAssembly.compile((await readTransientAsync(engineFile(dir, snapshot.engineId))).bytes);
      if (!engines.has(snapshot.engineId)) engines.set(snapshot.engineId, module);
    }
    return keepPrepared(key, engines.get(snapshot.engineId)!, packedMemories(snapshot, mode));
  }
  const recycleMemory = mode === 'per-call';
  const { bytes: read, identity } = await readTransientAsync(path.join(dir, file));
  const bytes = capped(read, memoryMb);
  const engineId = engineIdOf(bytes);
  const snapshot = engineId !== undefined ? snapshotMemory(bytes, { anySize: true }) : recycleMemory ? snapshotMemory(bytes) : undefined;
  if (engineId !== undefined) {
    if (!snapshot) return; // the synchronous path decides what to run instead
    if (!engines.has(engineId)) {
      const module = await compileAsync(snapshot.module);
      if (!module) return;
      if (!engines.has(engineId)) engines.set(engineId, module);
    }
    return keepPrepared(key, engines.get(engineId)!, memoriesOf(snapshot, mode === 'shared' ? () => snapshotAgain(dir, file, memoryMb, identity) : undefined));
  }
  const fromSnapshot = snapshot && (await compileAsync(snapshot.module));
  const module = fromSnapshot || (await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  keepPrepared(key, module, fromSnapshot && snapshot ? memoriesOf(snapshot) : undefined);
}

function keepPrepared(key: string, module: WebAssembly.Module, memories: MemoryRecycler | undefined): void {
  if (loaded.has(key)) return; // a call came first
  memories?.prepareOne(); // a fresh memory costs its page faults (about 10 ms here): pay them now
  loaded.set(key, { module, memories });
}

function keyOf(dir: string, file: string, memoryMb: number | undefined, mode: InstanceMode): string {
  return `${path.join(dir, file)}\0${memoryMb ?? ''}\0${mode}`;
}

function capped(read: Uint8Array, memoryMb: number | undefined): Uint8Array {
  return memoryMb === undefined ? read : capMemory(read, memoryMb);
}

/** The shared engine file and this package's image, for a component shipped packed. */
function packedEngine(dir: string, file: string, memoryMb: number | undefined, mode: InstanceMode): CoreModule | undefined {
  // Packed only where the whole module is absent: a folder with both runs the module.
  if (!existsSync(path.join(dir, file + IMAGE_SUFFIX)) || existsSync(path.join(dir, file))) return undefined;
  const snapshot = unpackImage(dir, file, memoryMb);
  let module = engines.get(snapshot.engineId);
  if (!module) {
    module = new WebAssembly.Module(readTransient(engineFile(dir, snapshot.engineId)).bytes);
    engines.set(snapshot.engineId, module);
  }
  return { module, memories: packedMemories(snapshot, mode) };
}

/**
 * A shared instance lives until it fails: its package's image is dropped once its memory is written, and
 * decompressed again only to replace it (then kept: see MemoryRecycler). Per-call and pool instances are made
 * (or reset) again and again from the image, which they keep.
 */
function packedMemories(image: ReturnType<typeof unpackImage>, mode: InstanceMode): MemoryRecycler {
  return new MemoryRecycler(image, mode === 'shared' ? image.unpackAgain : undefined);
}

/**
 * The shared engine for a module that names one, with this package's memories (the cap is in their descriptor).
 * With `reload` (a shared instance), the memory image is dropped once written, as a packed one is.
 */
function sharedEngine(bytes: Uint8Array, reload: (() => MemorySnapshot) | undefined): CoreModule | undefined {
  const engineId = engineIdOf(bytes);
  if (engineId === undefined) return undefined;
  const snapshot = snapshotMemory(bytes, { anySize: true });
  if (!snapshot) return undefined;
  let module = engines.get(engineId);
  if (!module) {
    module = compileSync(snapshot.module);
    if (!module) return undefined;
    engines.set(engineId, module);
  }
  return { module, memories: memoriesOf(snapshot, reload) };
}

/** The memory image of a module that names its engine, read again from its file to replace a shared instance. */
function snapshotAgain(dir: string, file: string, memoryMb: number | undefined, identity: string): MemorySnapshot {
  // The same bytes that gave a snapshot when this process loaded them.
  return snapshotMemory(capped(readTransientAgain(path.join(dir, file), identity), memoryMb), { anySize: true })!;
}

function ownModule(bytes: Uint8Array, recycleMemory: boolean): CoreModule {
  const snapshot = recycleMemory ? snapshotMemory(bytes) : undefined;
  const fromSnapshot = snapshot && compileSync(snapshot.module);
  if (fromSnapshot && snapshot) return { module: fromSnapshot, memories: memoriesOf(snapshot) };
  return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) };
}

function memoriesOf({ descriptor, image, written }: MemorySnapshot, reload?: () => MemorySnapshot): MemoryRecycler {
  return new MemoryRecycler({ descriptor, image, written }, reload);
}

// Code that names data segments (memory.init, data.drop) needs them: such a module keeps its own memory.
function compileSync(bytes: Uint8Array): WebAssembly.Module | undefined {
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return undefined;
    throw error;
  }
}

async function compileAsync(bytes: Uint8Array): Promise<WebAssembly.Module | undefined> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return undefined;
    throw error;
  }
}
