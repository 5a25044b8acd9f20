package dovetail.migrator.source;

/** The source contract against GreenMail 2.1, embedded: no SPECIAL-USE, no CONDSTORE, no AUTHENTICATE. */
class GreenMailLegacyImapSourceIT extends LegacyImapSourceContract {
  @Override
  protected LegacyServerFixture startServer() {
    return GreenMailFixture.imap();
  }
}
