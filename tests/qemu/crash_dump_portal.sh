#!/bin/bash
# tests/qemu/crash_dump_portal.sh - the second-portal run of crash_dump.sh on
# its own: the boot gets alt-portals (DHCP option 224), lifeline-arm passes
# the iBFT's second target to the crash kernel, and portal 1's tgtd is
# SIGKILLed for good at ~40% of the dump; the dump completes on portal 2.
exec env CRASH_DUMP_NICS=" " CRASH_DUMP_DOWN=0 CRASH_DUMP_LEVEL0=0 CRASH_DUMP_PORTAL=1 \
	bash "$(dirname "$0")/crash_dump.sh"
