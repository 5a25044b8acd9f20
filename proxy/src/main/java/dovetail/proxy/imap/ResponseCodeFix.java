package dovetail.proxy.imap;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.mailbox.MessageUid;

/**
 * Rewrites response codes that James 3.8.1 gets wrong or leaves out, on their way to the client:
 *
 * <ul>
 *   <li>A refused login (LOGIN, AUTHENTICATE) carries no code: it gets Dovecot's answer with RFC 5530's code,
 *       {@code NO [AUTHENTICATIONFAILED] Authentication failed.}, and a password refused before TLS
 *       {@code NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.};
 *       clients tell a wrong password from other failures by the code (walk-through 6).
 *   <li>A folder that exists already (CREATE, RENAME's target) or does not (DELETE, RENAME) gets RFC 5530's
 *       {@code ALREADYEXISTS} or {@code NONEXISTENT}, as in Dovecot (SELECT, STATUS and the rest get none there).
 *   <li>{@code MODIFIED} (RFC 7162 §3.2): {@code ResponseCode.condStore} gives it the number 0, so a failed
 *       conditional STORE says {@code OK [MODIFIED 0 2]}; the set must follow MODIFIED directly.
 *   <li>{@code COPYUID} (RFC 4315 §3): AbstractMessageRangeProcessor puts the client's own set there, so
 *       {@code COPY 1 X} answers with a sequence number and {@code UID COPY 1:* X} with
 *       {@code 1:9223372036854775807}; the source set must be the UIDs that were copied, in the order of the
 *       target set. They are resolved from the selected folder before the command runs. After MOVE the code
 *       is in an untagged OK ({@link MoveCopyUidFirst}), and is corrected there.
 * </ul>
 *
 * James's ResponseCode constructor is private, hence the reflection; if it ever fails, James's answer goes out
 * unchanged.
 */
final class ResponseCodeFix implements ImapProcessor.Responder {
  private static final Constructor<ResponseCode> CODE = codeConstructor();

  static final HumanReadableText NOTHING_COPIED =
      new HumanReadableText("dovetail.imap.NO_MESSAGES", "No messages found.");
  private static final HumanReadableText AUTH_FAILED =
      new HumanReadableText("dovetail.imap.AUTHENTICATIONFAILED", "Authentication failed.");
  private static final HumanReadableText PRIVACY_REQUIRED = new HumanReadableText("dovetail.imap.PRIVACYREQUIRED",
      "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");

  private final ImapProcessor.Responder delegate;
  private final StatusResponseFactory responses;
  private final String copySource;

  /** @param copySource the UID set a COPY/MOVE is about to copy, or null for other commands */
  ResponseCodeFix(ImapProcessor.Responder delegate, StatusResponseFactory responses, String copySource) {
    this.delegate = delegate;
    this.responses = responses;
    this.copySource = copySource;
  }

  private static Constructor<ResponseCode> codeConstructor() {
    try {
      Constructor<ResponseCode> c =
          ResponseCode.class.getDeclaredConstructor(String.class, Collection.class, long.class, boolean.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A bare response code such as {@code UNAVAILABLE} (RFC 5530); James's createExtension would prefix "X".
   * Falls back to that only if the reflective constructor is unavailable.
   */
  static ResponseCode plain(String name) {
    if (CODE != null) {
      try {
        return CODE.newInstance(name, List.of(), (long) ResponseCode.NO_NUMBER, false);
      } catch (ReflectiveOperationException e) {
        // fall through
      }
    }
    return ResponseCode.createExtension(name);
  }

  /**
   * The UIDs of the selected folder's messages that a COPY or MOVE names, as a UID set: empty if it names none, null
   * if unknown.
   */
  static String copySource(AbstractMessageRangeRequest request, SelectedMailbox selected) {
    if (selected == null) {
      return null;
    }
    List<Long> uids = new ArrayList<>();
    long exists = selected.existsCount();
    for (int msn = 1; msn <= exists; msn++) {
      long position = msn;
      MessageUid uid = selected.uid(msn).orElse(null);
      if (uid == null) {
        continue;
      }
      long key = request.isUseUids() ? uid.asLong() : position;
      for (IdRange range : request.getIdSet()) {
        if (range.getLowVal() <= key && key <= range.getHighVal()) {
          uids.add(uid.asLong());
          break;
        }
      }
    }
    return uidSet(uids);
  }

  static String uidSet(List<Long> sorted) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(sorted.get(i));
      if (j > i) {
        out.append(':').append(sorted.get(j));
      }
      i = j + 1;
    }
    return out.toString();
  }

  @Override
  public void respond(ImapResponseMessage message) {
    if (copiedNothing() && message instanceof StatusResponse status
        && status.getServerResponseType() == StatusResponse.Type.OK) {
      if (status.getTag() != null) {
        delegate.respond(responses.taggedOk(status.getTag(), null, NOTHING_COPIED));
      } else if (!isCopyUid(status)) { // MOVE's untagged COPYUID (MoveCopyUidFirst) goes
        delegate.respond(status);
      }
      return;
    }
    delegate.respond(fixed(message));
  }

  /**
   * A UID COPY or UID MOVE whose set names no message succeeds with nothing copied (RFC 4315 §3 has no COPYUID for
   * it); James 3.8.1 answered {@code COPYUID 4243 3 *}. Dovecot's words: "No messages found".
   */
  private boolean copiedNothing() {
    return copySource != null && copySource.isEmpty();
  }

  private static boolean isCopyUid(StatusResponse status) {
    return status.getServerResponseType() == StatusResponse.Type.OK && status.getResponseCode() != null
        && "COPYUID".equals(status.getResponseCode().getCode());
  }

  ImapResponseMessage fixed(ImapResponseMessage message) {
    if (message instanceof StatusResponse status && status.getTag() != null && status.getResponseCode() == null
        && status.getServerResponseType() == StatusResponse.Type.NO) {
      String key = status.getTextKey().getKey();
      if (key.equals(HumanReadableText.INVALID_LOGIN.getKey())
          || key.equals(HumanReadableText.AUTHENTICATION_FAILED.getKey())) {
        return responses.taggedNo(status.getTag(), null, AUTH_FAILED, plain("AUTHENTICATIONFAILED"));
      }
      if (key.equals(HumanReadableText.DISABLED_LOGIN.getKey())) {
        return responses.taggedNo(status.getTag(), null, PRIVACY_REQUIRED, plain("PRIVACYREQUIRED"));
      }
      String code = folderCode(status);
      if (code != null) {
        return responses.taggedNo(status.getTag(), status.getCommand(), status.getTextKey(), plain(code));
      }
    }
    if (CODE == null || !(message instanceof StatusResponse status) || status.getResponseCode() == null
        || status.getServerResponseType() != StatusResponse.Type.OK) {
      return message;
    }
    ResponseCode code = status.getResponseCode();
    try {
      if ("MODIFIED".equals(code.getCode()) && code.getNumber() == 0 && status.getTag() != null) {
        return withCode(status,
            CODE.newInstance("MODIFIED", code.getParameters(), (long) ResponseCode.NO_NUMBER, false));
      }
      // Tagged after COPY; untagged, before the EXPUNGE responses, after MOVE (see MoveCopyUidFirst).
      if ("COPYUID".equals(code.getCode()) && copySource != null && code.getParameters().size() == 2) {
        String target = new ArrayList<>(code.getParameters()).get(1);
        return withCode(status, CODE.newInstance("COPYUID", List.of(copySource, target), code.getNumber(), false));
      }
    } catch (ReflectiveOperationException e) {
      return message;
    }
    return message;
  }

  /**
   * RFC 5530's code for a folder that is there already (CREATE, RENAME's new name) or is not (DELETE, RENAME), as
   * Dovecot gives them; by James's text, as its FAILURE_MAILBOX_EXISTS has the key of FAILURE_NO_SUCH_MAILBOX.
   */
  private static String folderCode(StatusResponse status) {
    String text = status.getTextKey().getDefaultValue();
    String command = status.getCommand() == null ? "" : status.getCommand().getName();
    if (text.equals(HumanReadableText.MAILBOX_EXISTS.getDefaultValue())
        && (command.equals("CREATE") || command.equals("RENAME"))) {
      return "ALREADYEXISTS";
    }
    boolean missing = text.equals(HumanReadableText.FAILURE_NO_SUCH_MAILBOX.getDefaultValue())
        || text.equals(HumanReadableText.MAILBOX_NOT_FOUND.getDefaultValue());
    return missing && (command.equals("DELETE") || command.equals("RENAME")) ? "NONEXISTENT" : null;
  }

  private StatusResponse withCode(StatusResponse status, ResponseCode code) {
    return status.getTag() == null
        ? responses.untaggedOk(status.getTextKey(), code)
        : responses.taggedOk(status.getTag(), status.getCommand(), status.getTextKey(), code);
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
