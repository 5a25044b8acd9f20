#!/bin/sh
# STORE over a whole large folder, one command: bench/range-store.sh [--messages 20000] [--runs 3]
#   [--only dovecot|dovetail] [--java-option OPT]... [--setting "key = value"]...
# Times STORE 1:* (+/-FLAGS, silent and not) on one folder through `dovetail serve` and through a real Dovecot 2.3,
# each on its own copy, and prints the medians and the ratio. Needs dovecot-imapd. Built as imap-load.sh builds.
exec env BENCH_MAIN=RangeStoreBench "$(dirname "$0")/imap-load.sh" "$@"
