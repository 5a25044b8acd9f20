package dovetail.proxy.cli;

import dovetail.store.MailLocation;
import picocli.CommandLine;

/** {@code -u USER}: the user's one spelling ({@link MailLocation#canonicalUser}), so that {@code -u Alice} is alice. */
final class UserNameConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    return MailLocation.canonicalUser(value);
  }
}
