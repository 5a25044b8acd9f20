package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandFramerTest {
  @TempDir Path spool;

  private static final FrameLimits SMALL = new FrameLimits(100, 1000, 5000, 10, 1000, 300);

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aLiteralPlusAndTheCommandAfterItAreFramedApartWhateverTheLiteralHolds() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> true);
    ByteBuf in = bytes("a1 APPEND INBOX {11+}\r\nb2 LOGOUT\r\n\r\nb2 NOOP\r\n");
    CommandFramer.Complete first = assertInstanceOf(CommandFramer.Complete.class, framer.next(in));
    List<CommandFrame.Part> parts = first.frame().parts();
    assertEquals(3, parts.size());
    try (var literal = ((CommandFrame.Literal) parts.get(1)).open()) {
      assertEquals("b2 LOGOUT\r\n", new String(literal.readAllBytes(), StandardCharsets.ISO_8859_1));
    }
    assertEquals("APPEND", first.frame().command());
    CommandFramer.Complete second = assertInstanceOf(CommandFramer.Complete.class, framer.next(in));
    assertEquals("NOOP", second.frame().command());
    assertEquals(CommandFramer.NEED_MORE, framer.next(in));
  }

  @Test
  void aSynchronizingLiteralAsksToContinueAndBytesMayComeOneAtATime() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> true);
    ByteBuf in = Unpooled.buffer();
    String wire = "t LOGIN {5}\r\nalice {6}\r\nsecret\r\n";
    int continues = 0;
    CommandFramer.Step step = null; // one byte short of each literal's end is NEED_MORE, never a frame
    for (byte b : wire.getBytes(StandardCharsets.US_ASCII)) {
      in.writeByte(b);
      do {
        step = framer.next(in);
        if (step instanceof CommandFramer.Continue) {
          continues++;
        }
      } while (step instanceof CommandFramer.Continue);
    }
    assertEquals(2, continues);
    assertInstanceOf(CommandFramer.Complete.class, step);
  }

  @Test
  void aLargeMessageLiteralIsSpooledAndTheFileGoesWithTheFrame() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> true);
    String message = "x".repeat(4000);
    CommandFramer.Complete c = assertInstanceOf(CommandFramer.Complete.class,
        framer.next(bytes("a APPEND INBOX (\\Seen) {4000+}\r\n" + message + "\r\n")));
    CommandFrame.Literal literal = (CommandFrame.Literal) c.frame().parts().get(1);
    assertNull(literal.bytes());
    assertNotNull(literal.file());
    try (var in = literal.open()) {
      assertArrayEquals(message.getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
    }
    c.frame().close();
    assertEquals(0, Files.list(spool).count());
  }

  @Test
  void literalsOverTheirLimitsAreRefusedBeforeAnyByteIsRead() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> true);
    CommandFramer.Refuse sync = assertInstanceOf(CommandFramer.Refuse.class, framer.next(bytes("a APPEND INBOX {5001}\r\n")));
    assertEquals("a NO [TOOBIG] Literal too large\r\n", sync.reply());
    assertEquals(false, sync.close());
    // The mailbox name is no message: it counts against the command's limit.
    CommandFramer.Refuse name = assertInstanceOf(CommandFramer.Refuse.class, framer.next(bytes("b APPEND {2000}\r\n")));
    assertTrue(name.reply().startsWith("b NO [TOOBIG]"));
    CommandFramer.Refuse plus = assertInstanceOf(CommandFramer.Refuse.class,
        framer.next(bytes("c APPEND INBOX {99999999999999999999999+}\r\n")));
    assertTrue(plus.close() && plus.reply().startsWith("* BYE [TOOBIG]"));
  }

  @Test
  void beforeLoginEveryLiteralIsHeldToTheSmallLimitAndNoneIsSpooled() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> false);
    // 15 bytes of line and a 290-byte literal: over the 300 allowed before login, though far under maxCommand.
    CommandFramer.Refuse login = assertInstanceOf(CommandFramer.Refuse.class, framer.next(bytes("a LOGIN {290}\r\n")));
    assertEquals("a NO [TOOBIG] Literal too large before login\r\n", login.reply());
    assertEquals(false, login.close());
    assertEquals(CommandFramer.CONTINUE, framer.next(bytes("b LOGIN {285}\r\n")));
    framer.discard();
    CommandFramer.Refuse append = assertInstanceOf(CommandFramer.Refuse.class,
        framer.next(bytes("c APPEND INBOX {4000+}\r\n")));
    assertTrue(append.close() && append.reply().startsWith("* BYE [TOOBIG]"), append.reply());
    // A small APPEND is framed (the processor refuses it), in memory: over inMemoryLiteral, yet no file.
    CommandFramer.Complete small = assertInstanceOf(CommandFramer.Complete.class,
        framer.next(bytes("d APPEND INBOX {20+}\r\n" + "y".repeat(20) + "\r\n")));
    assertNotNull(((CommandFrame.Literal) small.frame().parts().get(1)).bytes());
    small.frame().close();
    assertEquals(0, Files.list(spool).count());
  }

  @Test
  void anOverlongLineIsRefusedWithoutWaitingForItsEnd() throws Exception {
    CommandFramer framer = new CommandFramer(SMALL, spool, () -> true);
    CommandFramer.Refuse r = assertInstanceOf(CommandFramer.Refuse.class, framer.next(bytes("a " + "x".repeat(200))));
    assertTrue(r.close());
  }

  @Test
  void onlyABraceGroupAtTheEndOfALineAnnouncesALiteral() {
    assertEquals(12, CommandFramer.literalSize("a LOGIN {12}\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(3, CommandFramer.literalSize("a LOGIN {3+}\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, CommandFramer.literalSize("a LOGIN {} x\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, CommandFramer.literalSize("a LOGIN {3} x\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, CommandFramer.literalSize("a LOGIN {+}\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Long.MAX_VALUE, CommandFramer.literalSize("a {99999999999999999999999}\r\n".getBytes(StandardCharsets.US_ASCII)));
  }
}
