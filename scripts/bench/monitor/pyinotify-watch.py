#!/usr/bin/python3
"""pyinotify adapter (OMERO.dropbox's engine): prints "<monotonic ns> <IN_EVENT> <path>" per event,
READY once the recursive watch is in place. Mask IN_CREATE|IN_CLOSE_WRITE|IN_MOVED_TO, auto_add,
rec; an IN_Q_OVERFLOW prints "<ns> OVERFLOW -". Run with /usr/bin/python3 (Debian python3-pyinotify)."""
import sys
import time

import pyinotify

root = sys.argv[1]
out = sys.stdout


class Handler(pyinotify.ProcessEvent):
    def process_IN_Q_OVERFLOW(self, event):
        # ProcessEvent's own version only logs a warning.
        out.write("%d OVERFLOW -\n" % time.monotonic_ns())

    def process_default(self, event):
        out.write("%d %s %s\n" % (time.monotonic_ns(), event.maskname.split("|")[0], event.pathname))


wm = pyinotify.WatchManager()
notifier = pyinotify.Notifier(wm, Handler())
mask = pyinotify.IN_CREATE | pyinotify.IN_CLOSE_WRITE | pyinotify.IN_MOVED_TO
wm.add_watch(root, mask, rec=True, auto_add=True)
out.write("READY\n")
out.flush()
while True:
    notifier.process_events()
    if notifier.check_events():
        notifier.read_events()
    out.flush()
