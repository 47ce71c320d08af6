package io.sightline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MailConfigTest {
  private static SightlineConfig load(Map<String, String> flags) {
    return new ConfigLoader().load(null, false, Map.of(), flags);
  }

  @Test
  void offByDefaultAndThePasswordIsNeverShown() {
    assertFalse(load(Map.of()).mail().enabled());
    MailConfig mail = load(Map.of("mail.host", "smtp.example.com", "mail.from", "reports@example.com", "mail.username", "reports",
        "mail.password", "hunter2-secret")).mail();
    assertTrue(mail.enabled());
    assertEquals(587, mail.port());
    assertEquals("hunter2-secret", mail.password());
    assertFalse(mail.toString().contains("hunter2-secret"), mail.toString());
  }

  @Test
  void aSenderAddressIsRequiredWithAHost() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("mail.host", "smtp.example.com")));
    assertTrue(e.getMessage().contains("mail.from"), e.getMessage());
    assertThrows(ConfigException.class, () -> load(Map.of("mail.checkIntervalSeconds", "0")));
  }
}
