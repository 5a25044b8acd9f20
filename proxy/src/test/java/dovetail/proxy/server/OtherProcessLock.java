package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A file's fcntl lock held by another process (python3), as another Dovetail process holds it: a kernel file lock is
 * held per process, so a thread of the test's own JVM cannot stand in for it.
 */
public final class OtherProcessLock implements AutoCloseable {
  private final Process holder;

  private OtherProcessLock(Process holder) {
    this.holder = holder;
  }

  /** Skips the test when python3 is missing; returns once the lock is held. */
  public static OtherProcessLock hold(Path file) throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
    Process p = new ProcessBuilder("python3", "-c", "import fcntl,sys\n"
        + "f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
        file.toString()).redirectErrorStream(true).start();
    String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    assertEquals("held", first);
    return new OtherProcessLock(p);
  }

  /** kill -9: the kernel drops the lock with the process, which never lets go itself. */
  public void kill() throws InterruptedException {
    holder.destroyForcibly();
    holder.waitFor(10, TimeUnit.SECONDS);
  }

  /** Lets go, as the other process's end would. */
  @Override
  public void close() throws IOException, InterruptedException {
    holder.getOutputStream().close();
    holder.waitFor(10, TimeUnit.SECONDS);
  }
}
