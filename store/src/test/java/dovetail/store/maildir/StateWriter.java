package dovetail.store.maildir;

import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * A child process for DovetailStateUpdatesTest: waits for "GO" on stdin, then adds {@code count} keys
 * {@code prefix-i} to INBOX's Dovetail state, one update each, and prints "DONE".
 */
public final class StateWriter {
  public static void main(String[] args) throws Exception {
    MailStore store = MaildirStore.open(Path.of(args[0]), StoreOptions.DEFAULT);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    System.out.println("READY");
    System.out.flush();
    if (!"GO".equals(new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine())) {
      return;
    }
    for (int i = 0; i < count; i++) {
      String key = prefix + "-" + i;
      store.open("INBOX").updateDovetailState(s -> {
        TreeMap<String, String> next = new TreeMap<>(s);
        next.put(key, "x");
        return next;
      });
    }
    System.out.println("DONE");
  }
}
