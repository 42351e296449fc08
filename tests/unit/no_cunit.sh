#!/bin/sh
# Stands in for the unit tests when configure found no CUnit: a failure that
# says why, never a silent skip.
echo "unit tests not built: CUnit was not found by configure (apt-get install libcunit1-dev)"
exit 1
