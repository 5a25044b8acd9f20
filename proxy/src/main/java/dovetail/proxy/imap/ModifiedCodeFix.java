package dovetail.proxy.imap;

import java.lang.reflect.Constructor;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.message.response.ImapResponseMessage;

/**
 * James 3.8.1's {@code ResponseCode.condStore} gives the MODIFIED code the number 0 instead of "no number", so a
 * failed conditional STORE answers {@code OK [MODIFIED 0 2]}, which is not RFC 7162 syntax (the set must follow
 * MODIFIED directly). This responder rewrites that one code to {@code [MODIFIED 2]}. The code's constructor is
 * private in James, hence the reflection; if it ever fails, James's answer goes out unchanged.
 */
final class ModifiedCodeFix implements ImapProcessor.Responder {
  private static final Constructor<ResponseCode> CODE = codeConstructor();

  private final ImapProcessor.Responder delegate;
  private final StatusResponseFactory responses;

  ModifiedCodeFix(ImapProcessor.Responder delegate, StatusResponseFactory responses) {
    this.delegate = delegate;
    this.responses = responses;
  }

  private static Constructor<ResponseCode> codeConstructor() {
    try {
      Constructor<ResponseCode> c =
          ResponseCode.class.getDeclaredConstructor(String.class, java.util.Collection.class, long.class, boolean.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void respond(ImapResponseMessage message) {
    delegate.respond(fixed(message));
  }

  ImapResponseMessage fixed(ImapResponseMessage message) {
    if (CODE == null || !(message instanceof StatusResponse status) || status.getResponseCode() == null) {
      return message;
    }
    ResponseCode code = status.getResponseCode();
    if (!"MODIFIED".equals(code.getCode()) || code.getNumber() != 0) {
      return message;
    }
    try {
      ResponseCode modified = CODE.newInstance("MODIFIED", code.getParameters(), (long) ResponseCode.NO_NUMBER, false);
      return responses.taggedOk(status.getTag(), status.getCommand(), status.getTextKey(), modified);
    } catch (ReflectiveOperationException e) {
      return message;
    }
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
