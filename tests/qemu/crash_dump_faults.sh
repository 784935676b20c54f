#!/bin/bash
# tests/qemu/crash_dump_faults.sh - the fault runs of crash_dump.sh on their
# own (a separate test, so each keeps within tests/run.sh's time limit):
# tgtd SIGKILLed at ~40% of the dump and back 40 s later, killed for good
# (E58 at the default outage-limit, 180 s), and boot + whole dump over a 3% drop+dup+reorder link.
exec env CRASH_DUMP_NICS=" " CRASH_DUMP_DOWN=0 CRASH_DUMP_OUTAGE=1 CRASH_DUMP_LOSSY=1 \
	bash "$(dirname "$0")/crash_dump.sh"
