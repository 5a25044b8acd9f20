package dovetail.proxy.handover;

import static dovetail.proxy.handover.ShellQuote.quote;

import dovetail.proxy.handover.ModSeqFloors.Floor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The POSIX sh script that sets each folder's floor in stock Dovecot: {@code doveadm mailbox update
 * --min-highest-modseq N FOLDER}, then Dovecot's first sync gives every message N+1 and HIGHESTMODSEQ goes above N.
 * doveadm runs as the store's owner with USER set and no {@code -u} (dovecot-maildir-format.md, section 13): no userdb
 * lookup, so it works while Dovecot is stopped and nothing can index a folder between the check and the update. A
 * folder that Dovecot has indexed already is refused, unless its HIGHESTMODSEQ is at the floor already (an earlier
 * run raised it): otherwise the floor would not reach its messages' mod-sequences.
 */
public final class HandoverScript {
  private HandoverScript() {}

  public static String render(List<Floor> floors, Path dovecotConfig) {
    StringBuilder s = new StringBuilder();
    s.append("""
        #!/bin/sh
        # Written by `dovetail handover`. Raises each folder's HIGHESTMODSEQ in stock Dovecot above the highest that
        # Dovetail or the legacy server showed, so that a client's cached value stays below every later change
        # (RFC 7162). Run it as root, after Dovetail has stopped and before Dovecot first opens the store; a rerun
        # (after a FAILED line) leaves alone what an earlier run raised.
        # DOVECOT_CONF and DOVEADM override the configuration file and the doveadm binary.
        """);
    s.append("conf=${DOVECOT_CONF:-").append(quote(dovecotConfig.toString())).append("}\n");
    s.append("""
        doveadm=${DOVEADM:-doveadm}
        status=0
        raised=0
        before=0

        # doveadm ARGS... for USER $1, as the store's owner ($as), without a userdb lookup
        # (no list index: with it, updating one folder creates every folder's index log, which the check refuses)
        run_doveadm() {
          user=$1
          shift
          $as env USER="$user" HOME="$maildir" "$doveadm" -c "$conf" -o stats_writer_socket_path= \\
            -o mailbox_list_index=no -o "mail_location=$location" "$@"
        }

        # as_owner: sets $as, the prefix that runs a command as the owner of $maildir (files it creates must be the
        # owner's, and root writing there would follow the owner's links; Dovecot refuses root anyway); fails when the
        # owner cannot be read
        as_owner() {
          owner=$(stat -c %u:%g "$maildir") || return 1
          as=""
          if [ "$(id -u):$(id -g)" != "$owner" ]; then
            as="setpriv --reuid=${owner%:*} --regid=${owner#*:} --clear-groups"
          fi
        }

        # floor USER FOLDER MODSEQ DIRECTORY, with $maildir and $location of USER's store set
        floor() {
          if ! as_owner; then
            printf 'FAILED %s %s: cannot read the owner of %s\\n' "$1" "$2" "$maildir" >&2
            status=1
            user_failed=1
            return
          fi
          for index in "$4"/dovecot.index*; do
            if [ -e "$index" ]; then
              # an earlier run of this script raised it: nothing to do (a rerun after a FAILED line is safe)
              highest=$(run_doveadm "$1" -f flow mailbox status highestmodseq "$2" 2>/dev/null)
              highest=${highest##*highestmodseq=} # "FOLDER highestmodseq=N"
              case $highest in
                ''|*[!0-9]*) ;;
                *) if [ "$highest" -ge "$3" ]; then
                     before=$((before + 1))
                     return
                   fi ;;
              esac
              printf 'FAILED %s %s: Dovecot has indexed it already (%s) below %s; not raised: %s\\n' \\
                "$1" "$2" "$index" "$3" "stop Dovecot and its deliveries, remove these files, run again (README, cut-over 9-10)" >&2
              status=1
              user_failed=1
              return
            fi
          done
          if run_doveadm "$1" mailbox update --min-highest-modseq "$3" "$2"; then
            raised=$((raised + 1))
          else
            printf 'FAILED %s %s: doveadm mailbox update --min-highest-modseq %s\\n' "$1" "$2" "$3" >&2
            status=1
            user_failed=1
          fi
        }

        """);
    // Once every folder of USER is done, the store is marked (Dovetail then refuses to serve it or migrate into it),
    // as the store's owner (review 25, F3: root followed a link the owner put there).
    s.append("handed_over() {\n")
        .append("  if [ \"$user_failed\" = 0 ]; then\n")
        .append("    marker=\"$maildir\"/").append(quote(HandoverMarker.FILE)).append('\n')
        .append("""
                if ! as_owner || ! $as sh -c \\
                    'rm -f "$1" && date -u "+handed over to stock Dovecot at %Y-%m-%dT%H:%M:%SZ" > "$1"' sh "$marker"; then
                  printf 'FAILED %s: cannot write %s\\n' "$1" "$marker" >&2
                  status=1
                fi
              fi
            }
            """);
    for (Map.Entry<String, List<Floor>> user : byUser(floors).entrySet()) {
      Path maildir = user.getValue().get(0).maildir();
      s.append('\n').append("maildir=").append(quote(maildir.toString()))
          .append(" location=").append(quote(mailLocation(maildir))).append(" user_failed=0").append('\n');
      for (Floor f : user.getValue()) {
        s.append("floor ").append(quote(f.user())).append(' ').append(quote(f.dovecotName())).append(' ')
            .append(f.modSeq()).append(' ').append(quote(f.directory().toString())).append('\n');
      }
      s.append("handed_over ").append(quote(user.getKey())).append('\n');
    }
    s.append("""

        if [ "$status" = 0 ]; then
          if [ "$before" = 0 ]; then
            echo "handover: $raised folder(s) raised"
          else
            echo "handover: $raised folder(s) raised, $before raised by an earlier run"
          fi
        fi
        exit "$status"
        """);
    return s.toString();
  }

  /** {@code maildir:ROOT} with '%' doubled: Dovecot expands variables in mail_location. */
  static String mailLocation(Path maildir) {
    String path = maildir.toString();
    if (path.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a Maildir path with ':' cannot be a mail_location: " + path);
    }
    return "maildir:" + path.replace("%", "%%");
  }

  private static Map<String, List<Floor>> byUser(List<Floor> floors) {
    Map<String, List<Floor>> users = new LinkedHashMap<>();
    for (Floor f : floors) {
      users.computeIfAbsent(f.user(), u -> new java.util.ArrayList<>()).add(f);
    }
    return users;
  }
}
