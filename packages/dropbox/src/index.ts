export { type DropBoxHandle, runDropBox } from "./server";
export { dropboxMain } from "./main";
export {
  countsOf,
  type ImportRow,
  Ledger,
  LedgerError,
  type LedgerView,
  type ListFilter,
  openLedgerView,
  requeueImport,
} from "./ledger";
export { snapshotKeyOf } from "./monitor-link";
export { type DropBoxOptions, resolveOptions } from "./options";
export * as ledgerShow from "./ledger/show";
