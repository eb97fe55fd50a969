// V8 settings for a process whose cores its training threads fill (`federa sim --workers`): the
// coordinator's thread, V8's compiler and GC threads and the training threads share them, so V8's
// own work comes out of training. Each is measured in docs/benchmarks.md.
import { setFlagsFromString } from 'node:v8';

/**
 * Old-space size a training thread's heap starts at (V8's `--initial-old-space-size`), in MB.
 * A TF.js training thread keeps about 20 MB live, so V8 sizes its old generation near 40 MB, and the
 * objects TF.js makes per op (about 20 MB/s promoted) then cost a full mark-compact every ~0.7 s per
 * thread, after which V8's compiler threads re-optimize TF.js code again (`--trace-opt`: ~80 TurboFan
 * compilations, ~0.8 s of CPU per 2-thread round; ~60 with this start). On 2 cores that CPU came out
 * of the training threads (docs/benchmarks.md). The price: a thread's heap may reach this size
 * before its first full collection. The full collections left start on external memory (the
 * ArrayBuffers of models, deltas and frames; `--trace-incremental-marking`), about every 4 rounds.
 */
export const TRAINING_THREAD_OLD_SPACE_MB = 128;

/**
 * Start the heaps of worker threads created from now on at {@link TRAINING_THREAD_OLD_SPACE_MB}
 * (V8 reads the flag as it creates an isolate; running threads keep theirs). Process-wide: threads
 * started later get it too, e.g. the coordinator's SecAgg mask workers, which start at their first
 * unmasking. Not a limit: a heap still grows past it and collects as before.
 */
export function sizeTrainingThreadHeaps(): void {
  setFlagsFromString(`--initial-old-space-size=${TRAINING_THREAD_OLD_SPACE_MB}`);
}

/**
 * How much a heap may grow past what survived its last full collection before the next one starts,
 * in percent (V8's `--heap-growing-percent`; 300 = 4×, V8's own largest factor). Left to itself, V8
 * grows the coordinator's heap by 1.1–1.6× because its thread allocates slowly and each marking runs
 * concurrently, off the thread: 2.4 full collections of its ~36 MB heap per 2NN round (48 in 20
 * rounds, `--trace-gc`), whose marking then ran on the cores the training threads need. With this:
 * 6 in 20 rounds, and about 9 % less process CPU per round at 2 threads (docs/benchmarks.md). The
 * price: the coordinator's heap may reach about 4× its live size before it is collected.
 */
export const SIMULATION_HEAP_GROWING_PERCENT = 300;

/**
 * Grow every heap of this process, the coordinator's included, by
 * {@link SIMULATION_HEAP_GROWING_PERCENT} after each full collection. V8 reads the flag each time
 * it sets a heap's next limit, so running threads get it too. Process-wide: for a process that
 * shares its cores with training threads (`federa sim --workers`), not for a coordinator alone.
 */
export function growSimulationHeaps(): void {
  setFlagsFromString(`--heap-growing-percent=${SIMULATION_HEAP_GROWING_PERCENT}`);
}

/**
 * How many bytes of bytecode TurboFan may inline, in all, into one function it optimizes (V8's
 * `--max-inlined-bytecode-size-cumulative`; V8's own is 920). TF.js ops are chains of small
 * wrappers, which TurboFan inlines deep: a compilation of TF.js code took 5–10 ms. And the
 * compilations go on all run long: every isolate compiles the same code, some of it turns hot only
 * after many rounds, and TF.js's per-op closures were re-optimized after their thread's full
 * collections (`--trace-opt --trace-gc`): still ~20 compilations a round at rounds 40–60 of a
 * 2-thread 2NN run, ~100 ms of compiler CPU a round.
 * At half V8's budget the compilations of rounds 6–20 took 42 % less compiler time (2.3 → 1.35 s;
 * 518 and 586 of them) and the training threads ran no slower. The price: code TurboFan would have inlined is called.
 */
export const SIMULATION_INLINING_BUDGET = 460;

/**
 * Compile with {@link SIMULATION_INLINING_BUDGET}. V8 reads the flag at each compilation, so
 * running threads get it too. Process-wide, like {@link growSimulationHeaps}.
 */
export function cheapenSimulationCompiles(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${SIMULATION_INLINING_BUDGET}`);
}

/** All of the above; `ClientHosts` calls it before it starts its threads. */
export function tuneV8ForSimulation(): void {
  sizeTrainingThreadHeaps();
  growSimulationHeaps();
  cheapenSimulationCompiles();
}
