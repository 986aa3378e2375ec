/** `clicklake table show`: a table's version, schema, partitioning, size, protocol and configuration. */
import { defineCommand } from '../cli/command';
import { DeltaTable } from '../delta';
import { typeToString } from '../delta/schema';
import { formatBytes, snapshotOptions, textTable, versionOptionHelp, versionOptions } from './table-common';

export const tableShowCommand = defineCommand<{ version?: string; timestamp?: string; json?: boolean }>({
  name: 'table show',
  summary: "Show a Delta table's schema, partitioning, size and protocol",
  usage: '<table-dir> [--version N | --timestamp ISO] [--json]',
  optionHelp: [...versionOptionHelp, '--json                 print JSON'],
  options: { ...versionOptions, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1, names: '<table-dir>' },
  async run({ values, positionals, out }) {
    const options = snapshotOptions(values);
    const snapshot = await (await DeltaTable.open(positionals[0])).snapshot(options);
    const summary = {
      version: snapshot.version,
      schema: snapshot.schema,
      partitionColumns: snapshot.partitionColumns,
      numFiles: snapshot.numFiles,
      numRecords: snapshot.numRecords,
      sizeBytes: snapshot.sizeBytes,
      protocol: snapshot.protocol,
      configuration: snapshot.configuration,
    };
    if (values.json) {
      out.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const p = snapshot.protocol;
    const features = [...(p.readerFeatures ?? []), ...(p.writerFeatures ?? [])];
    out.write(
      [
        `table      ${snapshot.tableDir}`,
        `version    ${snapshot.version} (committed ${new Date(snapshot.timestamp).toISOString()})`,
        `files      ${snapshot.numFiles}`,
        `records    ${snapshot.numRecords ?? 'unknown (files without stats)'}`,
        `size       ${formatBytes(snapshot.sizeBytes)} (${snapshot.sizeBytes} bytes)`,
        `protocol   reader ${p.minReaderVersion}, writer ${p.minWriterVersion}${features.length ? ` (features: ${[...new Set(features)].join(', ')})` : ''}`,
        `partitions ${snapshot.partitionColumns.length ? snapshot.partitionColumns.join(', ') : '(none)'}`,
        '',
      ].join('\n'),
    );
    out.write(
      textTable(
        ['column', 'type', 'nullable'],
        snapshot.schema.fields.map((f) => [f.name, typeToString(f.type), f.nullable ? 'yes' : 'no']),
      ),
    );
    const config = Object.entries(snapshot.configuration);
    if (config.length > 0) out.write(`\n${textTable(['property', 'value'], config.map(([k, v]) => [k, v]))}`);
  },
});
