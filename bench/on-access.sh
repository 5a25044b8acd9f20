#!/bin/sh
# The benchmark of issue 5, one command: bench/on-access.sh [--folder-messages N] [--runs R] [--users U]
#   [--user-messages M] [--sweep-runs S] [--only a|b] [--setting "key = value"]...
# (a) the first SELECT of an unmigrated folder through `dovetail serve` against a raw UID FETCH of that folder from
# the legacy Dovecot; (b) the sweeper over many users against `backup` of the same users. Needs dovecot-imapd.
# It builds in the reactor (no `mvn install`), and compiles this bench with MigrationBench.java, whose corpus and
# raw client it uses.
set -eu
cd "$(dirname "$0")/.."
# Offline once the dependency plugin is here (a fresh machine fetches it first); OFFLINE= forces online.
OFFLINE=${OFFLINE-$([ -d "$HOME/.m2/repository/org/apache/maven/plugins/maven-dependency-plugin" ] && echo -o || true)}
mkdir -p target
mvn -B -q $OFFLINE package -DskipTests -pl proxy -am dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/target/on-access.classpath"
CP="proxy/target/test-classes:proxy/target/classes:$(cat target/on-access.classpath)"
rm -rf target/bench-classes
javac -nowarn -d target/bench-classes -cp "$CP" bench/MigrationBench.java bench/OnAccessBench.java
exec java -cp "target/bench-classes:$CP" OnAccessBench "$@"
