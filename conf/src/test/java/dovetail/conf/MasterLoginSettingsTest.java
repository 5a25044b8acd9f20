package dovetail.conf;

import static dovetail.conf.ConfigFiles.error;
import static dovetail.conf.ConfigFiles.load;
import static dovetail.conf.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Master users on both sides: imapc_master_login (legacy), master_passdb and auth_master_user_separator (front-end). */
class MasterLoginSettingsTest {
    @TempDir
    Path dir;

    private Path conf(String... lines) {
        return write(dir.resolve("dovetail.conf"), lines);
    }

    private String f() {
        return dir.resolve("dovetail.conf").toString();
    }

    @Test
    void defaultsAreSaslOnTheLegacyAndNoMasterUsersHere() {
        Settings s = Settings.defaults();
        assertEquals(ImapcSettings.MasterLogin.SASL, s.imapc().masterLogin());
        assertFalse(s.masterUsers().enabled());
        assertEquals("*", s.masterUsers().separator());
    }

    @Test
    void imapcMasterLoginTakesSaslOrSeparator() {
        assertEquals(ImapcSettings.MasterLogin.SEPARATOR,
                load(conf("imapc_master_login = separator")).imapc().masterLogin());
        assertEquals(ImapcSettings.MasterLogin.SASL, load(conf("imapc_master_login = sasl")).imapc().masterLogin());
    }

    @Test
    void aBadImapcMasterLoginIsOneLine() {
        assertEquals(f() + ":2: imapc_master_login: expected sasl or separator, found 'star'",
                error(conf("imapc_host = legacy", "imapc_master_login = star")));
    }

    @Test
    void masterPassdbIsAPasswdFile() {
        Path masters = write(dir.resolve("masters"), "admin:{PLAIN}x");
        Settings s = load(conf("master_passdb = passwd-file:masters", "auth_master_user_separator = +"));
        assertEquals(Optional.of(masters), s.masterUsers().passwdFile());
        assertEquals("+", s.masterUsers().separator());
        assertTrue(s.masterUsers().enabled());
    }

    @Test
    void anEmptySeparatorTurnsOffOnlyTheSeparatorForm() {
        write(dir.resolve("masters"), "admin:{PLAIN}x");
        Settings s = load(conf("master_passdb = passwd-file:masters", "auth_master_user_separator ="));
        assertTrue(s.masterUsers().enabled());
        assertEquals("", s.masterUsers().separator());
    }

    @Test
    void badMasterSettingsAreOneLine() {
        assertEquals(f() + ":1: master_passdb: expected passwd-file:/path (or nothing: no master users), found 'ldap'",
                error(conf("master_passdb = ldap")));
        assertEquals(f() + ":1: master_passdb: expected a readable file, found " + dir.resolve("nope") + ": No such file",
                error(conf("master_passdb = passwd-file:nope")));
        assertEquals(f() + ":1: auth_master_user_separator: expected one character such as *, or nothing, found '**'",
                error(conf("auth_master_user_separator = **")));
    }

    @Test
    void theSeparatorIsADovetailKeyNow() {
        assertEquals(KnownKeys.Group.DOVETAIL, KnownKeys.group("auth_master_user_separator"));
        assertTrue(load(conf("auth_master_user_separator = *")).warnings().isEmpty());
    }
}
