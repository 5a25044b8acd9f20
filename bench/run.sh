#!/bin/sh
# The migration benchmark of issue 4, one command: bench/run.sh [--messages N] [--runs R] [--dir /dev/shm/...]
# Builds Dovetail, starts a real Dovecot 2.3 legacy server with a generated corpus, runs
# `java -jar proxy/target/dovetail.jar backup` into a store on tmpfs, and compares it with one raw connection
# doing UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[]). Needs dovecot-imapd installed.
set -eu
cd "$(dirname "$0")/.."
# Offline once the dependency plugin is here (a fresh machine fetches it first); OFFLINE= forces online.
OFFLINE=${OFFLINE-$([ -d "$HOME/.m2/repository/org/apache/maven/plugins/maven-dependency-plugin" ] && echo -o || true)}
# package, not install: the bench runs this tree's jars (the reactor resolves the modules' own target/).
mvn -B -q $OFFLINE package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
# The floor program (see FloorCopy.java) runs as compiled classes: the source launcher would time javac too.
javac -d target/bench-floor bench/FloorCopy.java
exec java -cp "$(cat migrator/target/bench.classpath)" bench/MigrationBench.java --floor target/bench-floor "$@"
