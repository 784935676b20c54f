#!/bin/bash
# tests/qemu/crash_dump_rbd.sh - the Ceph RBD run of crash_dump.sh on its own:
# the Linux guest boots from an RBD image behind two tgtd gateways
# (tgt-rbd, tests/lib/ceph.sh), panics, and lifeline dumps to a second RBD
# image; gateway 1 is SIGKILLed at ~40% of the dump, the dump completes
# through gateway 2 and the image, read back by rbd export, verifies.
exec env CRASH_DUMP_NICS=" " CRASH_DUMP_DOWN=0 CRASH_DUMP_LEVEL0=0 CRASH_DUMP_RBD=1 \
	bash "$(dirname "$0")/crash_dump.sh"
