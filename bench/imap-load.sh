#!/bin/sh
# The IMAP load benchmark of issue 3, one command: bench/imap-load.sh [--clients 8] [--seconds 30] [--warmup 10]
#   [--users 4] [--messages 6000] [--folders 3] [--runs 1] [--seed 1] [--idle-ms 0] [--only dovecot|dovetail]
#   [--java-option OPT]... [--setting "key = value"]...
# N concurrent raw IMAP clients run one seeded mix (SELECT, FETCH flags/envelope/BODY[], STORE, SEARCH, APPEND, IDLE)
# against `dovetail serve` and against a real Dovecot 2.3, each on its own copy of one generated store, and print
# ops/s and p50/p99 latency per operation and overall, and the throughput ratio. Needs dovecot-imapd.
# It builds in the reactor (no `mvn install`), and compiles this bench with MigrationBench.java, whose corpus it uses.
set -eu
cd "$(dirname "$0")/.."
# Offline once the dependency plugin is here (a fresh machine fetches it first); OFFLINE= forces online.
OFFLINE=${OFFLINE-$([ -d "$HOME/.m2/repository/org/apache/maven/plugins/maven-dependency-plugin" ] && echo -o || true)}
mkdir -p target
mvn -B -q $OFFLINE package -DskipTests -pl proxy -am dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/target/imap-load.classpath"
CP="proxy/target/test-classes:proxy/target/classes:$(cat target/imap-load.classpath)"
rm -rf target/imap-load-classes
javac -nowarn -d target/imap-load-classes -cp "$CP" bench/MigrationBench.java bench/ImapWire.java bench/LatencyLog.java \
  bench/LoadClient.java bench/ImapLoadBench.java bench/RangeStoreBench.java
# bench/range-store.sh runs its own main class over the same build.
exec java -cp "target/imap-load-classes:$CP" "${BENCH_MAIN:-ImapLoadBench}" "$@"
