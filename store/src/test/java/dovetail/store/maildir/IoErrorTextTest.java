package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The store's I/O errors say what failed and why, also when the exception has no message (it read "...: null"). */
class IoErrorTextTest {
  @Test
  void anExceptionWithoutAMessageIsNamedByItsKind() {
    assertEquals("cannot write message to tmp/1: AsynchronousCloseException",
        MaildirSync.io("cannot write message to tmp/1", new AsynchronousCloseException()).getMessage());
    // The cap of a server's stop interrupts what still runs (walk-through 18, F3: "cannot lock ...: null").
    assertEquals("cannot lock dovetail-state.lock: interrupted (the process is stopping?)",
        MaildirSync.io("cannot lock dovetail-state.lock", new ClosedByInterruptException()).getMessage());
    assertEquals("cannot read cur/1: cur/1", MaildirSync.io("cannot read cur/1", new NoSuchFileException("cur/1"))
        .getMessage());
  }
}
