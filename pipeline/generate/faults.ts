/**
 * Faults injected by `--dirty-rate`, and what the pipeline must do with each (DESIGN section 2).
 *
 * Every fault is built from a clean, unique line and breaks exactly ONE thing, so the pipeline's
 * outcome per line is known in advance: `bronze_reject` (not a 9-field CSV row), `quarantine:<reason>`
 * (fails exactly that one rule), `valid` (normalises back to the original line) or `duplicate` (an
 * exact copy of a clean line). Faults never touch a line that has a copy, and copies are only made of
 * clean lines, so no fault can turn into a duplicate or hide one.
 */

export type Expectation =
  | 'bronze_reject'
  | 'valid'
  | 'duplicate'
  | 'quarantine:invalid_event_time'
  | 'quarantine:invalid_event_type'
  | 'quarantine:invalid_product_id'
  | 'quarantine:invalid_user_id'
  | 'quarantine:invalid_price'
  | 'quarantine:missing_session'
  | 'quarantine:invalid_category_id';

/** A line's nine fields as written, and the event's epoch second (for re-rendering timestamps). */
type Mutate = (fields: string[], variant: number, epochSecond: number) => string;

export interface FaultKind {
  kind: string;
  expect: Expectation;
  description: string;
  /** Relative share of --dirty-rate. */
  weight: number;
  /** In-place faults rewrite one line; the duplicate kinds add copies and have no mutate. */
  mutate?: Mutate;
}

const pick = <T>(options: T[], variant: number): T => options[Math.floor(variant * options.length) % options.length];
/** A second, independent variant from the same number (its lower digits). */
const next = (variant: number): number => (variant * 7919) % 1;
const line = (fields: string[]): string => fields.join(',');
const replace = (fields: string[], index: number, value: string): string => line(fields.map((f, i) => (i === index ? value : f)));

const FIELD = { time: 0, type: 1, product: 2, category: 3, code: 4, brand: 5, price: 6, user: 7, session: 8 } as const;

export const FAULT_KINDS: FaultKind[] = [
  {
    kind: 'malformed_field_count',
    expect: 'bronze_reject',
    description: 'line without 9 fields: a dropped field, an extra field, a truncated line or the wrong delimiter',
    weight: 1,
    mutate: (f, v) =>
      pick<() => string>(
        [
          () => line(f.filter((_, i) => i !== FIELD.brand)),
          () => `${line(f)},${pick(['extra', '', '1'], next(v))}`,
          () => line(f.slice(0, 3 + Math.floor(next(v) * 5))),
          () => f.join(';'),
        ],
        v,
      )(),
  },
  {
    kind: 'malformed_quotes',
    expect: 'bronze_reject',
    description: 'broken quoting: an unterminated quote, a quote inside a field or text after a closing quote',
    weight: 1,
    mutate: (f, v) =>
      pick<() => string>(
        [() => replace(f, FIELD.brand, `"${f[FIELD.brand]}`), () => replace(f, FIELD.type, `vi"ew`), () => replace(f, FIELD.price, `"${f[FIELD.price]}"0`)],
        v,
      )(),
  },
  {
    kind: 'invalid_timestamp',
    expect: 'quarantine:invalid_event_time',
    description: 'unparseable event_time (impossible date or hour, foreign formats, unknown zone, empty)',
    weight: 1,
    mutate: (f, v) => {
      const [date, time] = f[FIELD.time].split(' ');
      const [y, m, d] = date.split('-');
      return replace(
        f,
        FIELD.time,
        pick([`${y}-${m}-32 ${time} UTC`, `${date} 25${time.slice(2)} UTC`, `${d}/${m}/${y} ${time}`, date, `${date} ${time} MSK`, '', 'unknown'], v),
      );
    },
  },
  {
    kind: 'iso_timestamp_offset',
    expect: 'valid',
    description: 'ISO-8601 event_time with Z or an offset; converts to the same UTC instant as the clean line',
    weight: 1,
    mutate: (f, v, epoch) => {
      const [label, minutes] = pick<[string, number]>([['Z', 0], ['+03:00', 180], ['-05:00', -300], ['+0530', 330], ['.000Z', 0], ['+02', 120]], v);
      const local = new Date((epoch + minutes * 60) * 1000).toISOString().slice(0, 19);
      return replace(f, FIELD.time, `${local}${label}`);
    },
  },
  {
    kind: 'unknown_event_type',
    expect: 'quarantine:invalid_event_type',
    description: 'event_type outside view, cart, remove_from_cart, purchase (even after trimming and lower-casing)',
    weight: 1,
    mutate: (f, v) => replace(f, FIELD.type, pick(['click', 'add_to_cart', 'wishlist', 'checkout', 'page_view', '', 'viewed'], v)),
  },
  {
    kind: 'mixed_case',
    expect: 'valid',
    description: 'upper- or mixed-case event_type, brand and category_code; valid once lower-cased',
    weight: 1,
    mutate: (f, v) => {
      const title = (s: string) => s.replace(/(^|\.)([a-z])/g, (_, dot: string, c: string) => dot + c.toUpperCase());
      const upper = v < 0.5;
      return line(f.map((value, i) => (i === FIELD.type || i === FIELD.brand || i === FIELD.code ? (upper ? value.toUpperCase() : title(value)) : value)));
    },
  },
  {
    kind: 'padded_values',
    expect: 'valid',
    description: 'spaces or tabs around fields; valid once trimmed',
    weight: 1,
    mutate: (f, v) => {
      const pad = pick([' ', '  ', '\t', ' \t'], next(v));
      const targets = pick<number[]>([[FIELD.type], [FIELD.price], [FIELD.brand, FIELD.code], [FIELD.user, FIELD.session], [FIELD.time, FIELD.product, FIELD.category]], v);
      return line(f.map((value, i) => (targets.includes(i) ? `${pad}${value}${pad}` : value)));
    },
  },
  {
    kind: 'quoted_fields',
    expect: 'valid',
    description: 'RFC 4180 quoted fields; valid once unquoted',
    weight: 1,
    mutate: (f, v) => {
      const targets = pick<number[]>([[FIELD.brand], [FIELD.time, FIELD.session], [FIELD.code, FIELD.price]], v);
      return line(f.map((value, i) => (targets.includes(i) ? `"${value}"` : value)));
    },
  },
  {
    kind: 'negative_price',
    expect: 'quarantine:invalid_price',
    description: 'negative price',
    weight: 1,
    mutate: (f) => replace(f, FIELD.price, `-${f[FIELD.price] === '0.00' ? '1.00' : f[FIELD.price]}`),
  },
  {
    kind: 'non_numeric_price',
    expect: 'quarantine:invalid_price',
    description: 'price that is not a decimal: empty, N/A, currency sign or suffix, two dots, exponent',
    weight: 1,
    mutate: (f, v) => {
      const p = f[FIELD.price];
      return replace(f, FIELD.price, pick(['', 'N/A', `$${p}`, `${p} USD`, `${p}.00`, '1e3', 'NaN'], v));
    },
  },
  {
    kind: 'missing_product_id',
    expect: 'quarantine:invalid_product_id',
    description: 'product_id empty, zero, negative or text',
    weight: 1,
    mutate: (f, v) => replace(f, FIELD.product, pick(['', '0', `-${f[FIELD.product]}`, 'null'], v)),
  },
  {
    kind: 'missing_user_id',
    expect: 'quarantine:invalid_user_id',
    description: 'user_id empty, zero, negative or text',
    weight: 1,
    mutate: (f, v) => replace(f, FIELD.user, pick(['', '0', `-${f[FIELD.user]}`, 'undefined'], v)),
  },
  {
    kind: 'invalid_category_id',
    expect: 'quarantine:invalid_category_id',
    description: 'category_id mangled (spreadsheet exponent form, zero, text); an empty category_id is valid',
    weight: 1,
    mutate: (f, v) => {
      const id = f[FIELD.category];
      return replace(f, FIELD.category, pick([`${id[0]}.${id.slice(1, 16)}E+18`, '0', 'n/a', `${id}0`], v));
    },
  },
  {
    kind: 'empty_session',
    expect: 'quarantine:missing_session',
    description: 'user_session empty or blank',
    weight: 1,
    mutate: (f, v) => replace(f, FIELD.session, pick(['', '   '], v)),
  },
  {
    kind: 'duplicate_in_file',
    expect: 'duplicate',
    description: 'exact copy of a clean line, written right after it',
    weight: 1,
  },
  {
    kind: 'duplicate_cross_file',
    expect: 'duplicate',
    description: "exact copy of a clean line of the previous day's file, re-delivered at the start of the next file",
    weight: 1,
  },
];

/** Quirks of the real file, present at --dirty-rate 0 too. */
export const NATURAL_KINDS: FaultKind[] = [
  { kind: 'natural_duplicate', expect: 'duplicate', description: 'exact duplicate line at the real rate (0.071 %), right after its original', weight: 0 },
  {
    kind: 'natural_missing_session',
    expect: 'quarantine:missing_session',
    description: 'empty user_session at the real rate (2 lines in the full month)',
    weight: 0,
    mutate: (f) => replace(f, FIELD.session, ''),
  },
];

export const MUTATION_KINDS = FAULT_KINDS.filter((k) => k.mutate);
export const ALL_KINDS = [...FAULT_KINDS, ...NATURAL_KINDS];
export const KIND_INDEX = new Map(ALL_KINDS.map((k, i) => [k.kind, i]));

export function faultWeightTotal(): { total: number; mutation: number } {
  return {
    total: FAULT_KINDS.reduce((sum, k) => sum + k.weight, 0),
    mutation: MUTATION_KINDS.reduce((sum, k) => sum + k.weight, 0),
  };
}

/** The mutation kind for a uniform number in [0, 1). */
export function pickMutation(u: number): FaultKind {
  const { mutation } = faultWeightTotal();
  let acc = 0;
  for (const kind of MUTATION_KINDS) {
    acc += kind.weight / mutation;
    if (u < acc) return kind;
  }
  return MUTATION_KINDS[MUTATION_KINDS.length - 1];
}
