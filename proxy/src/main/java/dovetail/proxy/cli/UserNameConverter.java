package dovetail.proxy.cli;

import dovetail.store.MailLocation;
import picocli.CommandLine;

/**
 * {@code -u USER}: the user's one spelling ({@link MailLocation#canonicalUser}), so that {@code -u Alice} is alice.
 * A name no store can have is a usage error here (one line, exit 2), before any server or legacy login sees it.
 */
final class UserNameConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    String user = MailLocation.canonicalUser(value);
    MailLocation.userNameProblem(user).ifPresent(problem -> {
      throw new CommandLine.TypeConversionException(problem);
    });
    return user;
  }
}
