package dovetail.proxy.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.handover.ModSeqFloors.Floor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script's quoting and syntax, judged by a real /bin/sh. */
class HandoverScriptTest {
  private static final List<String> NASTY = List.of("Tom's", "a  b", "$HOME", "`id`", "$(id)", "back\\slash",
      "\"quoted\"", "Über/日本語", "-dash", "tab\there", "new\nline", "'", "''", "%u", "*", "!");

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run sh(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("sh"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void aQuotedWordReachesTheCommandAsItWas() throws Exception {
    for (String word : NASTY) {
      Run r = sh(List.of("-c", "printf '%s|' " + ShellQuote.quote(word)));
      assertEquals(0, r.exit(), r.err());
      assertEquals(word + "|", r.out(), "quoted: " + ShellQuote.quote(word));
    }
    assertThrows(IllegalArgumentException.class, () -> ShellQuote.quote("nul\0"));
  }

  @Test
  void theScriptIsValidShAndPassesNastyNamesIntact() throws Exception {
    List<Floor> floors = new ArrayList<>();
    long n = 1000;
    for (String name : NASTY) {
      Path maildir = dir.resolve("mail").resolve("us'er $x").resolve("Maildir");
      floors.add(new Floor("us'er $x", maildir, maildir.resolve("." + name.replace('/', '.')), name, n++));
    }
    Path script = dir.resolve("handover.sh");
    Files.writeString(script, HandoverScript.render(floors, dir.resolve("dove cot's.conf")));
    Run syntax = sh(List.of("-n", script.toString()));
    assertEquals(0, syntax.exit(), syntax.err());

    // The whole script, its function swapped for one that prints its arguments: the words as doveadm would get them.
    String probe = Files.readString(script).replace("\nfloor() {",
        "\nfloor() { printf '<%s>' \"$@\"; printf '\\n'; }\nreal_floor() {")
        .replace("\nhanded_over() {", "\nhanded_over() { printf '[%s]\\n' \"$@\"; }\nreal_handed_over() {");
    Path probeScript = dir.resolve("probe.sh");
    Files.writeString(probeScript, probe);
    Run words = sh(List.of(probeScript.toString()));
    assertEquals(0, words.exit(), words.err());
    StringBuilder expected = new StringBuilder();
    for (Floor f : floors) {
      expected.append('<').append(f.user()).append("><").append(f.dovecotName()).append("><").append(f.modSeq())
          .append("><").append(f.directory()).append(">\n");
    }
    assertEquals(expected + "[us'er $x]\n" + "handover: 0 folder(s) raised\n", words.out());
  }

  @Test
  void mailLocationDoublesPercentAndRefusesAColon() {
    assertEquals("maildir:/var/vmail/50%%/alice/Maildir", HandoverScript.mailLocation(Path.of("/var/vmail/50%/alice/Maildir")));
    assertThrows(IllegalArgumentException.class, () -> HandoverScript.mailLocation(Path.of("/var/a:b/Maildir")));
  }

  @Test
  void dovecotNamesUseDovecotsSeparator() {
    assertEquals("Work.Clients.Ünï", ModSeqFloors.dovecotName("Work/Clients/Ünï", '.'));
    assertEquals("Work/Clients", ModSeqFloors.dovecotName("Work/Clients", '/'));
    assertThrows(IllegalArgumentException.class, () -> ModSeqFloors.dovecotName("a.b", '.'));
  }

  /**
   * The marker is written as the store's owner (review 25, F3: as root through a link the owner put there, it took over
   * a root file), and only for a user whose own folders were all raised (F4: one user's failure withheld every later
   * user's marker). Run as root, as the script is; the Maildirs belong to nobody (65534).
   */
  @Test
  void theMarkerIsTheOwnersAndEachUsersOwn() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root, as the script runs");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path victim = Files.writeString(dir.resolve("victim"), "root's\n");
    List<Floor> floors = new ArrayList<>();
    for (String user : List.of("alice", "bob")) {
      Path maildir = Files.createDirectories(dir.resolve("mail").resolve(user).resolve("Maildir"));
      floors.add(new Floor(user, maildir, maildir, "INBOX", 10));
      Files.setOwner(maildir, maildir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
      Files.createSymbolicLink(maildir.resolve(HandoverMarker.FILE), victim);
    }
    // alice's floor fails, bob's is raised (floor() stands in for doveadm)
    String script = HandoverScript.render(floors, dir.resolve("dovecot.conf")).replace("\nfloor() {",
        "\nfloor() { if [ \"$1\" = alice ]; then status=1; user_failed=1; fi; }\nreal_floor() {");
    Path file = Files.writeString(dir.resolve("handover.sh"), script);
    Run run = sh(List.of(file.toString()));
    assertEquals(1, run.exit(), run.err());
    assertEquals("root's\n", Files.readString(victim), "written through the owner's link");
    assertEquals("root", Files.getOwner(victim).getName());
    Path bobs = dir.resolve("mail/bob/Maildir").resolve(HandoverMarker.FILE);
    assertTrue(Files.isRegularFile(bobs, java.nio.file.LinkOption.NOFOLLOW_LINKS), "bob's marker: " + run.err());
    assertEquals("nobody", Files.getOwner(bobs, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName());
    assertTrue(Files.isSymbolicLink(dir.resolve("mail/alice/Maildir").resolve(HandoverMarker.FILE)),
        "alice, whose folder failed, is not marked");
  }
}
