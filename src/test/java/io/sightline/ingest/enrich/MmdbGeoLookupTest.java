package io.sightline.ingest.enrich;

import io.sightline.net.IpAddresses;
import io.sightline.support.MmdbWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GeoIP against MMDB files the test writes itself, in both common schemas. */
class MmdbGeoLookupTest {

  @Test
  void readsMaxMindCitySchemaWithIsoRegionCodes(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("city.mmdb");
    new MmdbWriter(4, "GeoLite2-City")
        .insert("81.2.69.0/24", Map.of(
            "country", Map.of("iso_code", "GB", "names", Map.of("en", "United Kingdom")),
            "subdivisions", List.of(Map.of("iso_code", "ENG", "names", Map.of("en", "England"))),
            "city", Map.of("names", Map.of("en", "London", "de", "London")),
            "location", Map.of("latitude", 51.5142, "longitude", -0.0931)))
        .insert("89.160.20.128/25", Map.of("country", Map.of("iso_code", "SE"), "city", Map.of("names", Map.of("en", "Linköping"))))
        .insert("203.0.113.0/24", Map.of("country", Map.of("iso_code", "JP")))
        .write(db);
    try (MmdbGeoLookup geo = MmdbGeoLookup.open(db, Optional.empty())) {
      assertEquals(new GeoLocation("GB", "GB-ENG", "London"), geo.locate(IpAddresses.literal("81.2.69.160")));
      assertEquals(new GeoLocation("SE", null, "Linköping"), geo.locate(IpAddresses.literal("89.160.20.200")));
      assertEquals(new GeoLocation("JP", null, null), geo.locate(IpAddresses.literal("203.0.113.1")));
      assertEquals(GeoLocation.UNKNOWN, geo.locate(IpAddresses.literal("89.160.20.1")), "outside every network");
      assertEquals(GeoLocation.UNKNOWN, geo.locate(IpAddresses.literal("2001:db8::1")), "IPv6 in an IPv4 database");
      assertEquals(GeoLocation.UNKNOWN, geo.locate(null));
    }
  }

  @Test
  void readsDbIpLiteFlatSchemaWithSeparateIpv6File(@TempDir Path dir) throws Exception {
    Path v4 = dir.resolve("dbip-city-ipv4.mmdb");
    Path v6 = dir.resolve("dbip-city-ipv6.mmdb");
    new MmdbWriter(4, "dbip-city-lite")
        .insert("5.145.0.0/16", Map.of("city", "Berlin", "country_code", "DE", "state1", "Land Berlin", "latitude", 52.52, "longitude", 13.405))
        .write(v4);
    new MmdbWriter(6, "dbip-city-lite")
        .insert("2a02:8100::/32", Map.of("city", "Hamburg", "country_code", "de", "state1", "Hamburg"))
        .write(v6);
    try (MmdbGeoLookup geo = MmdbGeoLookup.open(v4, Optional.of(v6))) {
      assertEquals(new GeoLocation("DE", "Land Berlin", "Berlin"), geo.locate(IpAddresses.literal("5.145.33.1")));
      assertEquals(new GeoLocation("DE", "Hamburg", "Hamburg"), geo.locate(IpAddresses.literal("2a02:8100:1234::5")));
      assertEquals(GeoLocation.UNKNOWN, geo.locate(IpAddresses.literal("9.9.9.9")));
    }
  }

  @Test
  void readsTheBundledCountryDatabaseForIpv4AndIpv6() throws Exception {
    try (MmdbGeoLookup geo = MmdbGeoLookup.openBundled()) {
      // RIPE NCC's own networks (193.0.0.0/21, 2001:67c:2e8::/48) are in the Netherlands; the WIDE project's 133.0.0.0/8 in Japan
      assertEquals(new GeoLocation("NL", null, null), geo.locate(IpAddresses.literal("193.0.6.139")));
      assertEquals(new GeoLocation("NL", null, null), geo.locate(IpAddresses.literal("2001:67c:2e8::1")));
      assertEquals(new GeoLocation("JP", null, null), geo.locate(IpAddresses.literal("133.1.1.1")));
      assertEquals(GeoLocation.UNKNOWN, geo.locate(IpAddresses.literal("10.0.0.2")), "private");
      assertEquals(java.time.Instant.parse("2026-06-17T19:51:40Z"), geo.buildTime());
    }
  }
}
