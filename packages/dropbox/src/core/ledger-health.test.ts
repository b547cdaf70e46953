import { ledgerProblemReason, ledgerWriteFailure } from "./ledger-health";

describe("ledger write failures", () => {
  it("disk full, read-only and I/O errors (with SQLite's extended codes) are the ledger's place, not a bug", () => {
    expect(ledgerWriteFailure("SQLITE_FULL")).toBe("disk full");
    expect(ledgerWriteFailure("SQLITE_READONLY")).toBe("read-only");
    expect(ledgerWriteFailure("SQLITE_READONLY_DBMOVED")).toBe("read-only");
    expect(ledgerWriteFailure("SQLITE_CANTOPEN")).toBe("read-only");
    expect(ledgerWriteFailure("SQLITE_IOERR_WRITE")).toBe("I/O error");
    expect(ledgerWriteFailure("SQLITE_CONSTRAINT_UNIQUE")).toBeNull();
    expect(ledgerWriteFailure(undefined)).toBeNull();
  });

  it("the reason names the ledger and says what happens to events", () => {
    expect(ledgerProblemReason("/h/var/db/dropbox.sqlite", "disk full")).toBe(
      "ledger /h/var/db/dropbox.sqlite cannot be written (disk full): events are not recorded; they will be picked up by a rescan once writes succeed",
    );
  });
});
