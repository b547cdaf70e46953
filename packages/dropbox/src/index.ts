export { type DropBoxHandle, runDropBox } from "./server";
export { dropboxMain } from "./main";
export { countsOf, LedgerError, type LedgerView, openLedgerView, requeueImport } from "./ledger";
export { snapshotKeyOf } from "./monitor-link";
