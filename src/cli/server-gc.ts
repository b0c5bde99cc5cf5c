import { setFlagsFromString } from 'node:v8';

/** Incremental marking starts once the old generation has used this share of its limit... */
const SOFT_TRIGGER_PERCENT = 80;
/** ...and at once past this share. */
const HARD_TRIGGER_PERCENT = 95;

/**
 * How V8 schedules major collections in a node that runs for long (`node start`, `orderer
 * start`, `dev`), set once as it starts. By default V8 starts marking the old generation as soon
 * as the room left under its limit is smaller than the young generation could promote. A node's
 * live heap is small (15-30 MB) beside a young generation that grows to 16 MB per semi-space, so
 * under load it was always in that state: a full mark-compact every 0.3-0.4 s, about a fifth of
 * the orderer's CPU in the commit benchmark. Marking now starts from the share of the limit
 * used; the limit itself is still V8's. Left alone when the user set either trigger
 * (NODE_OPTIONS, or node's own arguments). The testing library's in-process peer does not call
 * this: the process is the user's.
 */
export function tuneServerGc(env: NodeJS.ProcessEnv, execArgv: readonly string[], setFlags: (flags: string) => void = setFlagsFromString): void {
  const chosen = [env.NODE_OPTIONS ?? '', ...execArgv].some((arg) => /incremental[-_]marking[-_](soft|hard)[-_]trigger/.test(arg));
  // V8's code cache records the flags it was made under and is refused under others: the build's
  // run that writes bin/weft.cjs's cache keeps the defaults, the flags every start loads it under.
  if (chosen || env.WEFT_WRITE_CODE_CACHE === '1') return;
  for (const flag of SERVER_GC_FLAGS) setFlags(flag);
}

/** The V8 flags tuneServerGc sets. */
export const SERVER_GC_FLAGS: readonly string[] = [
  `--incremental-marking-soft-trigger=${SOFT_TRIGGER_PERCENT}`,
  `--incremental-marking-hard-trigger=${HARD_TRIGGER_PERCENT}`,
];
