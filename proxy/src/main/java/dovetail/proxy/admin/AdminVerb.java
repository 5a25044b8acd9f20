package dovetail.proxy.admin;

import java.io.IOException;

/**
 * One admin verb (migrate, status, sweeper; a later {@code sync} is one more class in {@link AdminVerbs}). It
 * answers with zero or more progress lines and then exactly one result; a {@link BadRequest} becomes the error
 * line instead. Logging context and unexpected failures are handled once, by the connection that dispatches.
 */
interface AdminVerb {
  void answer(Request request, Replies replies) throws BadRequest, IOException, InterruptedException;

  /** A request this verb cannot serve; the message goes to the admin as it is, so it names what was wrong. */
  final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }
}
