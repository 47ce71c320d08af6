package io.sightline.lifecycle;

import io.sightline.auth.ApiKeyInfo;
import io.sightline.auth.CreatedKey;
import io.sightline.auth.Scope;
import io.sightline.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstStartBannerTest {
  private static final String ADMIN = "sl_AdminKeyId1_" + "a".repeat(32);
  private static final String SITE = "sl_SiteKeyId12_" + "b".repeat(32);
  private static final String PASSWORD = "Pw3xK9mQ7rT2vW8z";

  private static FirstStart.Created created() {
    Site site = new Site(1, "example.net", "example.net", "UTC", List.of(), OffsetDateTime.now());
    return new FirstStart.Created(site,
        new CreatedKey(new ApiKeyInfo(1, 1, "sl_AdminKeyId1", java.util.UUID.randomUUID(), "admin (first start)", EnumSet.allOf(Scope.class), null, null, null, null), ADMIN),
        new CreatedKey(new ApiKeyInfo(2, 1, "sl_SiteKeyId12", java.util.UUID.randomUUID(), "site key (first start)", EnumSet.of(Scope.INGEST, Scope.READ), null, null, null,
            null), SITE), new io.sightline.account.Account(1, "admin@example.net"), PASSWORD);
  }

  @Test
  void onATerminalPrintsTheKeys() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FirstStartBanner.terminal(new PrintStream(out, true, StandardCharsets.UTF_8)).announce(created(), "http://localhost:8080");
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("admin key (admin, read, ingest): " + ADMIN) && text.contains(SITE), text);
    assertTrue(text.contains("login admin@example.net, password (shown once): " + PASSWORD), text);
  }

  @Test
  void whenStandardOutputIsALogWritesTheKeysToAnOwnerOnlyFileAndPrintsOnlyItsPath(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data"); // not there yet, as with an external database
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FirstStartBanner.keyFile(new PrintStream(out, true, StandardCharsets.UTF_8), data).announce(created(), "http://localhost:8080");
    String printed = out.toString(StandardCharsets.UTF_8);
    Path file = data.resolve(FirstStartBanner.KEY_FILE).toAbsolutePath();
    assertFalse(printed.contains(ADMIN) || printed.contains(SITE) || printed.contains("aaaa") || printed.contains(PASSWORD), printed);
    assertTrue(printed.contains(file.toString()) && printed.contains("Created site 'example.net'") && printed.contains("data-domain=\"example.net\""),
        printed);
    String keys = Files.readString(file);
    assertTrue(keys.contains("admin key (admin, read, ingest): " + ADMIN) && keys.contains("site key  (ingest, read):        " + SITE), keys);
    assertTrue(keys.contains("login admin@example.net, password (shown once): " + PASSWORD), keys);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var files = Files.list(data)) {
      assertEquals(List.of(file.getFileName()), files.map(Path::getFileName).toList(), "no temporary file left behind");
    }
  }

  @Test
  void aLeftoverKeyFileIsReplacedAndMadeOwnerOnly(@TempDir Path dir) throws Exception {
    Path old = dir.resolve(FirstStartBanner.KEY_FILE);
    Files.writeString(old, "old keys");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
    FirstStartBanner.keyFile(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), dir).announce(created(), "http://x");
    assertTrue(Files.readString(old).contains(ADMIN));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(old)));
  }
}
