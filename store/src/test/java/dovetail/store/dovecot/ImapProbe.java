package dovetail.store.dovecot;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * An IMAP test client (Jakarta Mail / Angus) that returns plain data. Folder names are Unicode with '/' as
 * separator, as the store uses them; the client encodes them to modified UTF-7 on the wire. Reads use EXAMINE
 * and BODY.PEEK, so they change nothing on the server.
 */
public final class ImapProbe implements AutoCloseable {
  /**
   * One message as EXAMINE + UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]) show it.
   *
   * @param flags system flags in IMAP spelling ("\\Seen") and keywords, sorted; \Recent is left out
   * @param recent whether \Recent was set (session state: true the first time Dovecot sees a message)
   * @param sha256 of the BODY[] bytes (CRLF line ends, as Dovecot sends them)
   */
  public record ImapMessage(
      long uid, Set<String> flags, boolean recent, Instant internalDate, long size, String sha256, byte[] body) {
    public String messageId() {
      return MailBytes.messageId(body).orElse(null);
    }

    /** Everything but the body bytes, for readable assertion messages. */
    @Override
    public String toString() {
      return "ImapMessage[uid=" + uid + ", flags=" + flags + ", recent=" + recent + ", internalDate=" + internalDate
          + ", size=" + size + ", sha256=" + sha256 + "]";
    }
  }

  /** A folder as EXAMINE shows it, with all its messages in UID order. */
  public record FolderState(String name, long uidValidity, long uidNext, List<ImapMessage> messages) {
    public List<Long> uids() {
      return messages.stream().map(ImapMessage::uid).toList();
    }

    public ImapMessage byUid(long uid) {
      return messages.stream().filter(m -> m.uid() == uid).findFirst()
          .orElseThrow(() -> new AssertionError("no UID " + uid + " in " + name + ": " + uids()));
    }
  }

  /** One LIST (or LSUB) line: the Unicode name and the attributes as sent (e.g. "\\HasNoChildren"). */
  public record ListEntry(String name, char separator, Set<String> attributes) {
    /**
     * The attributes without \\Marked and \\UnMarked: Dovecot's guess about new mail (from its list index, or from
     * new/'s and cur/'s times), which depends on what was opened before and how long ago, not on the store.
     */
    public Set<String> lastingAttributes() {
      Set<String> out = new java.util.TreeSet<>(attributes);
      out.removeIf(a -> a.equalsIgnoreCase("\\Marked") || a.equalsIgnoreCase("\\UnMarked"));
      return out;
    }
  }

  /** A STATUS reply. */
  public record StatusInfo(int messages, long uidNext, long uidValidity, int unseen, int recent) {}

  private final Store store;

  private ImapProbe(Store store) {
    this.store = store;
  }

  public static ImapProbe login(DovecotServer server, String user) {
    return login(server.imapPort(), user, server.password(user));
  }

  public static ImapProbe login(int port, String user, String password) {
    return connect(port, user, password, null);
  }

  /** AUTHENTICATE PLAIN with an authorization identity: log in as {@code authzid} with {@code authcid}'s password. */
  public static ImapProbe loginWithAuthzid(int port, String authcid, String password, String authzid) {
    return connect(port, authcid, password, authzid);
  }

  private static ImapProbe connect(int port, String user, String password, String authzid) {
    Properties p = new Properties();
    p.setProperty("mail.imap.host", "127.0.0.1");
    p.setProperty("mail.imap.port", Integer.toString(port));
    p.setProperty("mail.imap.connectiontimeout", "10000");
    p.setProperty("mail.imap.timeout", "60000");
    p.setProperty("mail.imap.auth.mechanisms", "PLAIN LOGIN");
    if (authzid != null) {
      p.setProperty("mail.imap.sasl.authorizationid", authzid);
      p.setProperty("mail.imap.auth.mechanisms", "PLAIN");
    }
    try {
      Store store = Session.getInstance(p).getStore("imap");
      store.connect("127.0.0.1", port, user, password);
      return new ImapProbe(store);
    } catch (MessagingException e) {
      throw new IllegalStateException("IMAP login as " + user + " on port " + port + " failed: " + e, e);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Reads

  /** EXAMINE the folder and fetch every message's UID, flags, INTERNALDATE, RFC822.SIZE and BODY[]. */
  public FolderState examine(String folder) {
    IMAPFolder f = folder(folder);
    try {
      f.open(Folder.READ_ONLY);
      try {
        long uidValidity = f.getUIDValidity();
        long uidNext = f.getUIDNext();
        List<ImapMessage> messages = new ArrayList<>();
        if (f.getMessageCount() > 0) {
          Response[] responses = (Response[]) f.doCommand(p -> run(p,
              "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])"));
          TreeMap<Long, ImapMessage> byUid = new TreeMap<>();
          for (Response r : responses) {
            if (r instanceof FetchResponse fr) {
              ImapMessage m = toMessage(fr);
              byUid.put(m.uid(), m);
            }
          }
          messages.addAll(byUid.values());
        }
        return new FolderState(folder, uidValidity, uidNext, List.copyOf(messages));
      } finally {
        f.close(false);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException("EXAMINE " + folder + " failed: " + e, e);
    }
  }

  private static ImapMessage toMessage(FetchResponse fr) {
    UID uid = fr.getItem(UID.class);
    FLAGS flags = fr.getItem(FLAGS.class);
    INTERNALDATE date = fr.getItem(INTERNALDATE.class);
    RFC822SIZE size = fr.getItem(RFC822SIZE.class);
    BODY body = fr.getItem(BODY.class);
    if (uid == null || flags == null || date == null || size == null || body == null) {
      throw new IllegalStateException("incomplete FETCH response: " + fr);
    }
    byte[] bytes = body.getByteArrayInputStream().readAllBytes();
    return new ImapMessage(uid.uid, flagNames(flags), flags.contains(Flags.Flag.RECENT), date.getDate().toInstant(),
        size.size, MailBytes.sha256(bytes), bytes);
  }

  /** IMAP spelling of jakarta flags, without \Recent, sorted (system flags sort first: '\\' < letters). */
  static Set<String> flagNames(Flags flags) {
    Set<String> out = new TreeSet<>();
    for (Flags.Flag f : flags.getSystemFlags()) {
      if (f == Flags.Flag.ANSWERED) {
        out.add("\\Answered");
      } else if (f == Flags.Flag.DELETED) {
        out.add("\\Deleted");
      } else if (f == Flags.Flag.DRAFT) {
        out.add("\\Draft");
      } else if (f == Flags.Flag.FLAGGED) {
        out.add("\\Flagged");
      } else if (f == Flags.Flag.SEEN) {
        out.add("\\Seen");
      }
    }
    out.addAll(Arrays.asList(flags.getUserFlags()));
    return out;
  }

  static Flags toFlags(Collection<String> names) {
    Flags f = new Flags();
    for (String n : names) {
      switch (n) {
        case "\\Answered" -> f.add(Flags.Flag.ANSWERED);
        case "\\Deleted" -> f.add(Flags.Flag.DELETED);
        case "\\Draft" -> f.add(Flags.Flag.DRAFT);
        case "\\Flagged" -> f.add(Flags.Flag.FLAGGED);
        case "\\Seen" -> f.add(Flags.Flag.SEEN);
        default -> {
          if (n.startsWith("\\")) {
            throw new IllegalArgumentException("unknown system flag " + n);
          }
          f.add(n);
        }
      }
    }
    return f;
  }

  public StatusInfo status(String folder) {
    Status s = (Status) doCommand(p -> p.status(folder, new String[] {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "RECENT"}));
    return new StatusInfo(s.total, s.uidnext, s.uidvalidity, s.unseen, s.recent);
  }

  /** LIST "" "*": every folder, in server order. */
  public List<ListEntry> list() {
    return entries((ListInfo[]) doCommand(p -> p.list("", "*")));
  }

  /** LSUB "" "*": the subscribed names, in server order. */
  public List<String> lsub() {
    return entries((ListInfo[]) doCommand(p -> p.lsub("", "*"))).stream().map(ListEntry::name).toList();
  }

  private static List<ListEntry> entries(ListInfo[] infos) {
    List<ListEntry> out = new ArrayList<>();
    if (infos != null) {
      for (ListInfo li : infos) {
        out.add(new ListEntry(li.name, li.separator, new TreeSet<>(Arrays.asList(li.attrs))));
      }
    }
    return out;
  }

  /**
   * Sends one command (mailbox names in it must already be quoted and mUTF-7 encoded, see {@link #mutf7}) with
   * {@code folder} selected read-write, or with nothing selected when {@code folder} is null. Returns the
   * untagged lines and the tagged result line, as text.
   */
  public List<String> command(String folder, String command) {
    Response[] responses = folder == null
        ? (Response[]) doCommand(p -> run(p, command))
        : withSelected(folder, f -> (Response[]) f.doCommand(p -> run(p, command)));
    return Arrays.stream(responses).map(Response::toString).collect(Collectors.toList());
  }

  /** IMAP modified UTF-7 (RFC 3501 5.1.3) of a Unicode folder name, quoted for use in a command. */
  public static String mutf7(String folder) {
    return "\"" + BASE64MailboxEncoder.encode(folder).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  // ------------------------------------------------------------------------------------------------
  // Writes

  /** The APPENDUID reply. */
  public record Appended(long uidValidity, long uid) {}

  /** APPEND the exact bytes with flags (IMAP spelling, keywords as they are) and INTERNALDATE. */
  public Appended append(String folder, byte[] content, Collection<String> flags, Instant internalDate) {
    Literal literal = new Literal() {
      @Override
      public int size() {
        return content.length;
      }

      @Override
      public void writeTo(OutputStream os) throws IOException {
        os.write(content);
      }
    };
    AppendUID uid = (AppendUID) doCommand(
        p -> p.appenduid(folder, toFlags(flags), internalDate == null ? null : Date.from(internalDate), literal));
    if (uid == null) {
      throw new IllegalStateException("no APPENDUID from the server");
    }
    return new Appended(uid.uidvalidity, uid.uid);
  }

  public void create(String folder) {
    doCommand(p -> {
      p.create(folder);
      return null;
    });
  }

  public void delete(String folder) {
    doCommand(p -> {
      p.delete(folder);
      return null;
    });
  }

  public void subscribe(String folder) {
    doCommand(p -> {
      p.subscribe(folder);
      return null;
    });
  }

  public void unsubscribe(String folder) {
    doCommand(p -> {
      p.unsubscribe(folder);
      return null;
    });
  }

  /** UID STORE uid FLAGS.SILENT (...): replaces the message's flags and keywords. */
  public void setFlags(String folder, long uid, Collection<String> flags) {
    storeFlags(folder, uid, "FLAGS.SILENT", flags);
  }

  /** UID STORE uid +FLAGS.SILENT (...). */
  public void addFlags(String folder, long uid, Collection<String> flags) {
    storeFlags(folder, uid, "+FLAGS.SILENT", flags);
  }

  /** UID STORE uid -FLAGS.SILENT (...). */
  public void removeFlags(String folder, long uid, Collection<String> flags) {
    storeFlags(folder, uid, "-FLAGS.SILENT", flags);
  }

  private void storeFlags(String folder, long uid, String item, Collection<String> flags) {
    command(folder, "UID STORE " + uid + " " + item + " (" + String.join(" ", flags) + ")");
  }

  /** Marks the UIDs \Deleted and UID EXPUNGEs exactly them (UIDPLUS). */
  public void expunge(String folder, Collection<Long> uids) {
    String set = uids.stream().map(String::valueOf).collect(Collectors.joining(","));
    withSelected(folder, f -> {
      f.doCommand(p -> run(p, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)"));
      return f.doCommand(p -> run(p, "UID EXPUNGE " + set));
    });
  }

  // ------------------------------------------------------------------------------------------------

  private IMAPFolder folder(String name) {
    try {
      return (IMAPFolder) store.getFolder(name);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface FolderAction<T> {
    T apply(IMAPFolder f) throws MessagingException;
  }

  private <T> T withSelected(String name, FolderAction<T> action) {
    IMAPFolder f = folder(name);
    try {
      f.open(Folder.READ_WRITE);
      try {
        return action.apply(f);
      } finally {
        f.close(false);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException("command in " + name + " failed: " + e, e);
    }
  }

  private Object doCommand(IMAPFolder.ProtocolCommand command) {
    try {
      return ((IMAPFolder) store.getDefaultFolder()).doCommand(command);
    } catch (MessagingException e) {
      throw new IllegalStateException("IMAP command failed: " + e, e);
    }
  }

  /** Sends a raw command; throws on NO/BAD. */
  private static Response[] run(IMAPProtocol p, String command) throws ProtocolException {
    Response[] r = p.command(command, null);
    p.handleResult(r[r.length - 1]);
    return r;
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
