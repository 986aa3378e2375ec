/**
 * Which protocols this library can read and write (PROTOCOL.md "Protocol Evolution", "Table
 * Features"). Reader versions 1-3 are supported; with reader version 3 the only reader feature we
 * implement is `timestampNtz`. Reader version 2 means column mapping may be on: it is refused when
 * `delta.columnMapping.mode` is set. Writers must also honour every writer feature, so the set we
 * write to is smaller: writer versions 1-2, or 7 with appendOnly/invariants/timestampNtz.
 */
import type { Metadata, Protocol } from './actions';
import { DeltaError } from './errors';
import type { StructType } from './schema';
import { needsTimestampNtz } from './schema';

export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set(['timestampNtz']);
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set(['appendOnly', 'invariants', 'timestampNtz']);

export function assertReadable(protocol: Protocol, metadata: Metadata | undefined, table: string, version: number): void {
  const reader = protocol.minReaderVersion;
  if (!Number.isInteger(reader) || reader < 1 || reader > 3) {
    throw new DeltaError('UNSUPPORTED_PROTOCOL', `${table} at version ${version} requires reader version ${reader}; ClickLake reads versions 1 to 3`, { table, version });
  }
  if (reader === 3) {
    const unsupported = (protocol.readerFeatures ?? []).filter((f) => !SUPPORTED_READER_FEATURES.has(f));
    if (unsupported.length > 0) {
      throw new DeltaError('UNSUPPORTED_FEATURE', `${table} at version ${version} uses reader feature(s) ${unsupported.join(', ')}, which ClickLake does not support`, {
        table,
        version,
      });
    }
  }
  const mapping = metadata?.configuration?.['delta.columnMapping.mode'];
  if (mapping && mapping !== 'none') {
    throw new DeltaError('UNSUPPORTED_FEATURE', `${table} at version ${version} uses column mapping (mode '${mapping}'), which ClickLake does not support`, {
      table,
      version,
    });
  }
}

export function assertWritable(protocol: Protocol, metadata: Metadata, table: string, version: number): void {
  assertReadable(protocol, metadata, table, version);
  const writer = protocol.minWriterVersion;
  const features = writer === 7 ? (protocol.writerFeatures ?? []) : [];
  const unsupported = features.filter((f) => !SUPPORTED_WRITER_FEATURES.has(f));
  if ((writer > 2 && writer !== 7) || unsupported.length > 0) {
    const what = unsupported.length > 0 ? `writer feature(s) ${unsupported.join(', ')}` : `writer version ${writer}`;
    throw new DeltaError('UNSUPPORTED_FEATURE', `${table} at version ${version} requires ${what}; ClickLake writes only to writer version 2 (or 7 with ${[...SUPPORTED_WRITER_FEATURES].join(', ')})`, {
      table,
      version,
    });
  }
  const constraints = Object.keys(metadata.configuration ?? {}).filter((k) => k.startsWith('delta.constraints.'));
  if (constraints.length > 0) {
    throw new DeltaError('UNSUPPORTED_FEATURE', `${table} has CHECK constraints (${constraints.join(', ')}), which ClickLake cannot enforce`, { table, version });
  }
}

/** The protocol a new table needs: 1/2, or 3/7 with timestampNtz when the schema has timestamp_ntz. */
export function protocolForSchema(schema: StructType): Protocol {
  if (needsTimestampNtz(schema)) {
    return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] };
  }
  return { minReaderVersion: 1, minWriterVersion: 2 };
}

/** Upgrades an existing protocol when a schema change starts to need timestampNtz; undefined when unchanged. */
export function upgradeProtocolFor(protocol: Protocol, schema: StructType): Protocol | undefined {
  if (!needsTimestampNtz(schema)) return undefined;
  if (protocol.minReaderVersion === 3 && protocol.readerFeatures?.includes('timestampNtz') && protocol.writerFeatures?.includes('timestampNtz')) return undefined;
  const readerFeatures = new Set(protocol.minReaderVersion === 3 ? (protocol.readerFeatures ?? []) : []);
  const writerFeatures = new Set(protocol.minWriterVersion === 7 ? (protocol.writerFeatures ?? []) : []);
  // Moving a legacy writer version 2 table to features keeps what version 2 implied.
  if (protocol.minWriterVersion >= 2 && protocol.minWriterVersion < 7) {
    writerFeatures.add('appendOnly');
    writerFeatures.add('invariants');
  }
  readerFeatures.add('timestampNtz');
  writerFeatures.add('timestampNtz');
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [...readerFeatures], writerFeatures: [...writerFeatures] };
}
