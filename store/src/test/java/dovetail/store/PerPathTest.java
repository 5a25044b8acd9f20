package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerPathTest {
  @Test
  void oneObjectPerFileWhileHeld() {
    PerPath<Object> locks = new PerPath<>();
    Object held = locks.of(Path.of("/srv/mail/alice/Maildir/.Sent"), Object::new);
    assertSame(held, locks.of(Path.of("/srv/mail/alice/Maildir/cur/../.Sent"), Object::new));
    assertNotSame(held, locks.of(Path.of("/srv/mail/alice/Maildir/.Trash"), Object::new));
  }

  /** A server that touches many folders must not keep a lock for each of them forever. */
  @Test
  void objectsNobodyHoldsAreForgotten() throws InterruptedException {
    PerPath<Object> locks = new PerPath<>();
    List<Object> held = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      Object lock = locks.of(Path.of("/srv/mail/u" + i + "/Maildir"), Object::new);
      if (i % 1000 == 0) {
        held.add(lock);
      }
    }
    for (int attempt = 0; attempt < 50 && locks.size() > held.size(); attempt++) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(locks.size() < 100_000, "every lock was kept: " + locks.size());
    for (int i = 0; i < 100_000; i += 1000) {
      assertSame(held.get(i / 1000), locks.of(Path.of("/srv/mail/u" + i + "/Maildir"), Object::new), "held lock " + i);
    }
  }
}
