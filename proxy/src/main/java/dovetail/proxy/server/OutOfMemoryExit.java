package dovetail.proxy.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * {@code serve}: a thread that dies of OutOfMemoryError ends the process (exit 70, EX_SOFTWARE), so that a supervisor
 * starts it again. Without it the threads that ran out died one by one and the process stayed, holding its ports and
 * answering no one, and did not stop on SIGTERM (walk-through 14, L1). Nothing is allocated on the way out; shutdown
 * hooks are not run (they could wait for memory too). An error that Netty or Reactor catches never reaches this handler
 * (the command that ran out fails, the server goes on); {@code -XX:+ExitOnOutOfMemoryError} exits on those too.
 */
public final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {
  public static final int EXIT_CODE = 70;
  private static final byte[] MESSAGE = "dovetail: out of memory; exiting (give serve a larger -Xmx)\n"
      .getBytes(StandardCharsets.US_ASCII);

  private final PrintStream err;
  private final IntConsumer halt;

  OutOfMemoryExit(PrintStream err, IntConsumer halt) {
    this.err = err;
    this.halt = halt;
  }

  /** For every thread of this process that has no handler of its own. */
  public static void install() {
    Thread.setDefaultUncaughtExceptionHandler(new OutOfMemoryExit(System.err, Runtime.getRuntime()::halt));
  }

  @Override
  public void uncaughtException(Thread t, Throwable e) {
    if (e instanceof OutOfMemoryError) {
      try {
        err.write(MESSAGE, 0, MESSAGE.length);
        err.flush();
      } finally {
        halt.accept(EXIT_CODE);
      }
      return;
    }
    // What the JVM prints for an uncaught exception when no handler is set.
    err.print("Exception in thread \"" + t.getName() + "\" ");
    e.printStackTrace(err);
  }
}
