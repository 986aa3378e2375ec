/**
 * One day's lines: the day's own sessions plus the events that spill past midnight from sessions that
 * started the day before (regenerated from their seeds), in time order, with faults applied.
 *
 * Whether a line is a fault, and which, is a hash of its session seed and its position in the session;
 * copies come from the session's own stream. So the worker writing day d can tell exactly how a line of
 * day d−1 was written, which is what lets it re-deliver clean lines of the previous file (cross-file
 * duplicates).
 */
import type { Day } from './calendar';
import { writeUint } from './ascii';
import { MAX_LINE, RowFormatter, dateBytes, writeTime, type ChunkWriter } from './csv-writer';
import { KIND_INDEX, NATURAL_KINDS, pickMutation, ALL_KINDS, type FaultKind } from './faults';
import { MAX_SPAN, type Model } from './model';
import { COPY_INJECTED, COPY_NATURAL, EventTable, SessionTable, TAIL_STRIDE, generateSession, planDay } from './sessions';
import { Rng, hashFloat, mix } from './prng';

const SALT_FAULT = 0xfa017;
const SALT_KIND = 0x6b1d;
const SALT_VARIANT = 0x7a41;
const SALT_MISSING = 0x3e55;
const MISSING_SESSION = NATURAL_KINDS[1];

export interface DayStats {
  date: string;
  lines: number;
  bytes: number;
  /** Count per kind, indexed like ALL_KINDS. */
  kinds: number[];
}

export type Progress = (lines: number) => void;

// One set of tables per thread, reused day after day: days of a thread are generated one at a time, and
// reusing the memory saves faulting in fresh pages for every day.
const tables = { events: new EventTable(), sessions: new SessionTable(1 << 16) };

/**
 * Generates the day's events (sessions of the day and spill-over from the day before). The tables are
 * valid until the next call in the same thread.
 */
export function dayEvents(model: Model, day: Day): { events: EventTable; sessions: SessionTable } {
  const { events, sessions } = tables;
  events.reset();
  sessions.reset();
  events.reserve(Math.ceil(day.budget * 1.08) + 1024);
  if (day.index > 0) {
    const previous = model.calendar[day.index - 1];
    const plan = planDay(model, previous);
    const context = { daySeed: previous.seed, isLastDay: false, timeOffset: -86_400 };
    for (let i = 0; i < plan.count; i++) {
      if (plan.start[i] >= 86_400 - MAX_SPAN) generateSession(model, plan, i, context, sessions, events);
    }
  }
  const plan = planDay(model, day);
  const context = { daySeed: day.seed, isLastDay: day.index === model.calendar.length - 1, timeOffset: 0 };
  for (let i = 0; i < plan.count; i++) generateSession(model, plan, i, context, sessions, events);
  return { events, sessions };
}

/** The fault applied to a line, or undefined for a clean line. Copies and their originals are never faulted. */
export function faultOf(model: Model, seed: number, ordinal: number, flags: number): FaultKind | undefined {
  if (flags !== 0) return undefined;
  const rate = model.faultRates.mutation;
  if (rate > 0 && hashFloat(seed, ordinal, SALT_FAULT) < rate) return pickMutation(hashFloat(seed, ordinal, SALT_KIND));
  // The real file's two empty sessions: decided once per session, on its first line.
  if (ordinal === 0 && hashFloat(seed, 0, SALT_MISSING) < model.behaviour.naturalMissingSession) return MISSING_SESSION;
  return undefined;
}

/** Indices of the lines of this day's file, in time order (counting sort on the second). */
function timeOrder(events: EventTable): Uint32Array {
  const bucket = new Uint32Array(86_401);
  let n = 0;
  for (let e = 0; e < events.count; e++) {
    const t = events.time[e];
    if (t >= 0 && t < 86_400) {
      bucket[t + 1]++;
      n++;
    }
  }
  for (let t = 0; t < 86_400; t++) bucket[t + 1] += bucket[t];
  const order = new Uint32Array(n);
  for (let e = 0; e < events.count; e++) {
    const t = events.time[e];
    if (t >= 0 && t < 86_400) order[bucket[t]++] = e;
  }
  return order;
}

/** Clean lines of the previous day known to this worker, picked for re-delivery, in time order. */
function redeliveries(model: Model, day: Day, events: EventTable, sessions: SessionTable): number[] {
  if (day.redelivered === 0) return [];
  const candidates: number[] = [];
  for (let e = 0; e < events.count; e++) {
    if (events.time[e] < 0 && !faultOf(model, sessions.seed[events.session[e]], events.ordinal[e], events.flags[e])) candidates.push(e);
  }
  const rng = new Rng(mix(day.seed, 0x4ede11));
  for (let k = candidates.length - 1; k > 0; k--) {
    const j = rng.below(k + 1);
    [candidates[k], candidates[j]] = [candidates[j], candidates[k]];
  }
  return candidates.slice(0, day.redelivered).sort((a, b) => events.time[a] - events.time[b] || a - b);
}

const formatters = new WeakMap<Model, RowFormatter>();

/** One formatter per model: building its byte pool costs tens of milliseconds. */
function formatterFor(model: Model): RowFormatter {
  let formatter = formatters.get(model);
  if (!formatter) {
    formatter = new RowFormatter(model.catalog);
    formatters.set(model, formatter);
  }
  return formatter;
}

export async function writeDay(model: Model, day: Day, writer: ChunkWriter, header: string | undefined, progress: Progress): Promise<DayStats> {
  const { events, sessions } = dayEvents(model, day);
  const formatter = formatterFor(model);
  const kinds = new Array<number>(ALL_KINDS.length).fill(0);
  const today = dateBytes(day.date);
  const yesterday = dateBytes(model.calendar[Math.max(0, day.index - 1)].date);
  const scratch = new Uint8Array(MAX_LINE);
  const scratchView = new DataView(scratch.buffer);
  const tails = new DataView(sessions.tail.buffer);
  const bytesBefore = writer.bytes + writer.pos;
  if (header) writer.writeText(header);
  let lines = 0;

  const time = new Uint8Array(24);
  const timeView = new DataView(time.buffer);
  let timeKey = NaN;
  const altTail = new Uint8Array(TAIL_STRIDE + 16);
  const altTailView = new DataView(altTail.buffer);

  const emit = (e: number, fromYesterday: boolean): void => {
    const s = events.session[e];
    const ordinal = events.ordinal[e];
    const second = fromYesterday ? events.time[e] + 86_400 : events.time[e];
    const dayIndex = fromYesterday ? day.index - 1 : day.index;
    // Lines come in time order, so the time text changes only once every few lines.
    if (events.time[e] !== timeKey) {
      writeTime(time, fromYesterday ? yesterday : today, second);
      timeKey = events.time[e];
    }
    let tail = tails;
    let tailAt = s * TAIL_STRIDE;
    let tailEnd = tailAt + sessions.tailLength[s];
    if (ordinal >= sessions.switchAt[s]) {
      // A session shared by two users: the later lines carry the other user's id, same session id.
      const at = writeUint(altTail, 0, sessions.altUserId[s]);
      altTail.set(sessions.tail.subarray(tailEnd - 38, tailEnd), at);
      tail = altTailView;
      tailAt = 0;
      tailEnd = at + 38;
    }
    const fault = fromYesterday ? undefined : faultOf(model, sessions.seed[s], ordinal, events.flags[e]);
    const type = events.type[e];
    const product = events.product[e];
    if (!fault?.mutate) {
      writer.pos = formatter.write(writer.view, writer.pos, timeView, dayIndex, type, product, tail, tailAt, tailEnd);
      const flags = events.flags[e];
      if (flags & COPY_NATURAL) kinds[NATURAL_DUPLICATE]++;
      else if (flags & COPY_INJECTED) kinds[IN_FILE_DUPLICATE]++;
      else if (fromYesterday) kinds[CROSS_FILE_DUPLICATE]++;
    } else {
      const end = formatter.write(scratchView, 0, timeView, dayIndex, type, product, tail, tailAt, tailEnd);
      const fields = Buffer.from(scratch.buffer, 0, end - 1).toString('latin1').split(',');
      writer.writeText(`${fault.mutate(fields, hashFloat(sessions.seed[s], ordinal, SALT_VARIANT), day.epoch + second)}\n`);
      kinds[KIND_INDEX.get(fault.kind) as number]++;
    }
    lines++;
  };

  const flushIfFull = async () => {
    if (!writer.full()) return;
    await writer.flush();
    progress(lines);
  };
  for (const e of redeliveries(model, day, events, sessions)) {
    await flushIfFull();
    emit(e, true);
  }
  const order = timeOrder(events);
  for (let k = 0; k < order.length; k++) {
    // Only await when the buffer is full: an await per line would cost more than writing the line.
    if (writer.full()) await flushIfFull();
    emit(order[k], false);
  }
  return { date: day.date, lines, bytes: writer.bytes + writer.pos - bytesBefore, kinds };
}

const NATURAL_DUPLICATE = KIND_INDEX.get('natural_duplicate') as number;
const IN_FILE_DUPLICATE = KIND_INDEX.get('duplicate_in_file') as number;
const CROSS_FILE_DUPLICATE = KIND_INDEX.get('duplicate_cross_file') as number;
