/**
 * The import sources read from a file, by name (the CLI's first argument, the console's source
 * field): RouterOS export, customers CSV, phpnuxbill and daloRADIUS mysqldumps. The live router
 * (`mikrotik`) is routeros-live.ts.
 */
import { importBatchFromCsv } from './customers-csv.js';
import { importBatchFromDaloradius } from './daloradius-dump.js';
import type { ImportBatch, ImportSource } from './import-model.js';
import { importBatchFromPhpnuxbill } from './phpnuxbill-dump.js';
import { importBatchFromExport } from './routeros-export.js';

export type FileSource = Exclude<ImportSource, 'mikrotik'>;

const PARSERS: Record<FileSource, (text: string) => ImportBatch> = {
  'routeros-export': importBatchFromExport,
  csv: importBatchFromCsv,
  phpnuxbill: importBatchFromPhpnuxbill,
  daloradius: importBatchFromDaloradius,
};

/** The batch of a file's text; never throws for its content: what a parser cannot read is a refusal in the batch. */
export function batchFromFile(source: FileSource, text: string): ImportBatch {
  return PARSERS[source](text);
}
