#!/bin/sh
# The first SELECT of a large migrated folder after a start (walk-through 9, W2), one command:
#   bench/cold-select.sh [--messages 100000] [--runs 3] [--only dovecot|dovetail] [--java-option OPT]...
#   [--setting "key = value"]... [--keep-store DIR] [--baseline-jar JAR]
# Times LOGIN, the first SELECT INBOX, a second one and UID FETCH 1:* (FLAGS) through a fresh `dovetail serve` per run
# and through a real Dovecot 2.3 (without and with its index), each on its own copy of one store on tmpfs, and prints
# the medians; --baseline-jar also runs serve from another build's jar in each run. Needs dovecot-imapd.
# It builds in the reactor (no `mvn install`), with MigrationBench.java's corpus.
set -eu
cd "$(dirname "$0")/.."
OFFLINE=${OFFLINE:--o}
mkdir -p target
mvn -B -q $OFFLINE package -DskipTests -pl proxy -am
# The test fixtures (ServeChild, DovecotServer), JUnit's API (DovecotServer's assumption) and the jar, which holds every
# other dependency: the dependency plugin cannot be resolved offline here.
M2=${MAVEN_REPO:-$HOME/.m2/repository}
JUNIT=$(sed -n 's|.*<junit.version>\(.*\)</junit.version>.*|\1|p' pom.xml)
OPENTEST4J=$(ls -d "$M2"/org/opentest4j/opentest4j/*/ | sort -V | tail -1)
# The jar first: serve's classes are looked up in it before the test directories, as in `java -jar`.
CP="proxy/target/dovetail.jar:proxy/target/test-classes:store/target/test-classes"
CP="$CP:$M2/org/junit/jupiter/junit-jupiter-api/$JUNIT/junit-jupiter-api-$JUNIT.jar:$(ls "$OPENTEST4J"*.jar | head -1)"
rm -rf target/cold-select-classes
javac -nowarn -d target/cold-select-classes -cp "$CP" bench/MigrationBench.java bench/ImapWire.java \
  bench/ColdSelectBench.java
exec java -cp "target/cold-select-classes:$CP" ColdSelectBench "$@"
