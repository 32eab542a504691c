// Forward decay (Cormode et al.) without a shared landmark. An event at time t of weight w counts
// w * 2^(t/H) for the half-life H; ranking by such sums equals ranking by exponentially decayed
// sums, and no stored score is ever rewritten to age it. 2^(t/H) itself overflows a double, so
// every statistic (one sorted set, one shopper's category affinities) keeps its own frame: an
// integer epoch e (its landmark is e half-lives after the Unix epoch) and the half-life its scores
// were written with, and holds sum(w * 2^(t/H - e)). A write from a later epoch first moves the
// frame forward by multiplying the stored scores by 2^(e - e'): a power of two, so exact and
// order-preserving, and scores stay below about four times the weight a statistic gets per
// half-life, however long the system runs. No writer needs to agree on anything but the clock.
//
// A change of half-life applies to a statistic at its next write: its scores are taken at their
// value at a reference time r (decayed at the half-life they were written with) and decay at the
// new half-life from r on. r is the later of the statistic's landmark and the start of the writing
// batch's newest half-life period, so the factor is at most 2 and never overflows. Multiplying a
// whole statistic by one positive factor never reorders it.
//
// The Redis store does the same in Lua (APPLY_DELTAS in src/store/redisScripts.ts): keep the two in step.
import { ErrorCode, RecsysError } from '../errors';

export interface DecayFrame {
  /** The landmark, in whole half-lives since the Unix epoch. */
  epoch: number;
  halfLifeHours: number;
}

export interface Decayed {
  /** weight * 2^(at/H - epoch): between weight and twice the weight. */
  value: number;
  frame: DecayFrame;
}

const HOUR_MS = 3_600_000;

/** A weight at event time `at` (ms), in the frame of the half-life period holding `at`. */
export function decayedWeight(weight: number, at: number, halfLifeHours: number): Decayed {
  const x = at / (halfLifeHours * HOUR_MS);
  const epoch = Math.floor(x);
  return { value: weight * 2 ** (x - epoch), frame: { epoch, halfLifeHours } };
}

export interface Rebase {
  /** The frame the statistic moves to. */
  frame: DecayFrame;
  /** Every stored score is multiplied by this (1: nothing to do). */
  factor: number;
}

/**
 * How a statistic stored in frame `from` takes a write made in frame `to` (the newest frame of the
 * writing batch): the frame it moves to and the factor for its scores. Same half-life: the later
 * epoch, factor 2^(from - to) exactly. Another half-life: see the header.
 */
export function rebase(from: DecayFrame, to: DecayFrame): Rebase {
  if (from.halfLifeHours === to.halfLifeHours) {
    if (to.epoch <= from.epoch) return { frame: from, factor: 1 };
    return { frame: to, factor: 2 ** (from.epoch - to.epoch) };
  }
  const oldMs = from.halfLifeHours * HOUR_MS;
  const newMs = to.halfLifeHours * HOUR_MS;
  const reference = Math.max(to.epoch * newMs, from.epoch * oldMs);
  const epoch = Math.floor(reference / newMs);
  return { frame: { epoch, halfLifeHours: to.halfLifeHours }, factor: 2 ** (from.epoch - reference / oldMs + (reference / newMs - epoch)) };
}

/** A value written in frame `written` as it counts in frame `into` of the same half-life (exact). */
export function inFrame(value: number, written: DecayFrame, into: DecayFrame): number {
  return written.epoch === into.epoch ? value : value * 2 ** (written.epoch - into.epoch);
}

/**
 * The frame a batch of writes moves each statistic it touches to: its newest. One batch is learnt
 * with one set of flags, so one half-life; a batch that mixes half-lives is a programming error.
 */
export function newestFrame(frames: Iterable<DecayFrame>): DecayFrame | null {
  let newest: DecayFrame | null = null;
  for (const frame of frames) {
    if (newest === null) newest = frame;
    else if (frame.halfLifeHours !== newest.halfLifeHours) throw mixed(newest, frame);
    else if (frame.epoch > newest.epoch) newest = frame;
  }
  return newest;
}

function mixed(a: DecayFrame, b: DecayFrame): RecsysError {
  return new RecsysError(ErrorCode.INTERNAL, `one batch of statistic deltas mixes half-lives (${a.halfLifeHours} h and ${b.halfLifeHours} h)`);
}
