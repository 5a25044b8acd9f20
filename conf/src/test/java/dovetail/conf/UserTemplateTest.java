package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserTemplateTest {
    @Test
    void expandsUserNameAndDomain() {
        assertEquals("/var/vmail/example.com/alice/Maildir",
                UserTemplate.expand("/var/vmail/%d/%n/Maildir", "alice@example.com"));
        assertEquals("alice@example.com", UserTemplate.expand("%u", "alice@example.com"));
        assertEquals("alice@example.com", UserTemplate.expand("%{user}", "alice@example.com"));
        assertEquals("alice/example.com", UserTemplate.expand("%{username}/%{domain}", "alice@example.com"));
    }

    @Test
    void userWithoutDomainHasEmptyDomain() {
        assertEquals("/var/vmail//bob/Maildir", UserTemplate.expand("/var/vmail/%d/%n/Maildir", "bob"));
    }

    @Test
    void lowerAndUpperCaseModifiersAndPercent() {
        assertEquals("alice@EXAMPLE.COM 100%", UserTemplate.expand("%Ln@%Ud 100%%", "Alice@example.com"));
    }

    @Test
    void findsUnknownVariables() {
        assertEquals(Optional.empty(), UserTemplate.firstUnknownVariable("maildir:/var/%d/%n/%u/%Lu/%%"));
        assertEquals(Optional.of("%h"), UserTemplate.firstUnknownVariable("/home/%h/Maildir"));
        assertEquals(Optional.of("%{home}"), UserTemplate.firstUnknownVariable("%{home}/x"));
        assertEquals(Optional.of("%"), UserTemplate.firstUnknownVariable("trailing%"));
    }
}
