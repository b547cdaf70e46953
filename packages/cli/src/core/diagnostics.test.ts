import {
  diagnosticProblems,
  inotifyWatches,
  isLocalHost,
  listeningTcp,
  parseEndpoint,
  unixSockets,
} from "./diagnostics";

test("the kernel's socket tables: listening TCP ports and Unix socket paths with their inodes", () => {
  const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0FFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0FFF 0100007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 41299 1 0000000000000000 20 4 30 10 -1`;
  expect(listeningTcp(tcp)).toEqual([{ address: "0100007F", port: 4095, inode: 41234 }]);
  const unix = `Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 5521 /h/var/run/node-control.sock
0000000000000000: 00000003 00000000 00000000 0001 03 5530 /h/var/run/node-control.sock`;
  expect(unixSockets(unix).get("/h/var/run/node-control.sock")).toEqual([5521, 5530]);
  expect(inotifyWatches("pos:\t0\nflags:\t00\ninotify wd:1 ino:2 sdev:3\ninotify wd:2 ino:4 sdev:3\n")).toBe(2);
});

test("endpoints: tcp, ipc, a listen address, off", () => {
  expect(parseEndpoint("tcp://0.0.0.0:4097")).toEqual({ kind: "tcp", host: "0.0.0.0", port: 4097 });
  expect(parseEndpoint("ipc:///h/var/run/x.sock")).toEqual({ kind: "ipc", path: "/h/var/run/x.sock" });
  expect(parseEndpoint("[::1]:4095")).toEqual({ kind: "tcp", host: "::1", port: 4095 });
  expect(parseEndpoint("off")).toBeNull();
  expect(isLocalHost("127.0.0.1", [])).toBe(true);
  expect(isLocalHost("storage1", ["10.0.0.5"])).toBe(false);
  expect(isLocalHost("10.0.0.5", ["10.0.0.5"])).toBe(true);
});

test("problems: near the inotify limit, a full disk, a port held by someone else, OMERO down", () => {
  const p = diagnosticProblems({
    nodeRunning: true,
    inotify: { maxUserWatches: 8192, watchesUsed: 8000 },
    disks: [
      { what: "ledger", path: "/h/var/db", exists: true, freeBytes: 200 * 1024 ** 2, totalBytes: 100 * 1024 ** 3 },
      { what: "logs", path: "/h/var/log", exists: true, freeBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 },
      { what: "watch 2 (bob)", path: "/mnt/bob", exists: false, freeBytes: 1, totalBytes: 0 },
    ],
    ports: [
      {
        property: "omero.fs.httpAddress",
        endpoint: "127.0.0.1:4095",
        state: "listening",
        holders: [{ pid: 77, command: "python3", ours: false }],
      },
      {
        property: "omero.fs.nodeControl",
        endpoint: "ipc:///x",
        state: "listening",
        holders: [{ pid: 1, command: "node", ours: true }],
      },
    ],
    configProblems: [],
    omero: { server: "omero", port: 4064, reachable: false, error: "ECONNREFUSED" },
  });
  expect(p).toEqual([
    expect.stringMatching(/^inotify watches: 8000 of 8192 in use; .*max_user_watches/),
    "ledger: only 0.2 GiB free of 100.0 GiB at /h/var/db; free some space",
    "watch 2 (bob): /mnt/bob does not exist (omero.fs.watchDir); the watch starts when it appears",
    "omero.fs.httpAddress 127.0.0.1:4095 is held by pid 77 (python3), not by this omero-fs; stop it or change omero.fs.httpAddress",
    expect.stringMatching(/^OMERO omero:4064 does not answer \(ECONNREFUSED\)/),
  ]);
});
