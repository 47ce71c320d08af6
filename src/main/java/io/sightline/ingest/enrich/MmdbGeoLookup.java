package io.sightline.ingest.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.sightline.net.IpAddresses;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * GeoIP from MaxMind DB files (memory-mapped, decoded nodes cached), in either common schema:
 * MaxMind's (GeoLite2/GeoIP2: {@code country.iso_code}, {@code subdivisions[0].iso_code},
 * {@code city.names.en}) or DB-IP Lite's flat one ({@code country_code}, {@code state1},
 * {@code city}), whose city files come as separate IPv4 and IPv6 databases.
 */
public final class MmdbGeoLookup implements GeoLookup, AutoCloseable {
  private final Reader primary;
  private final Reader ipv6;

  private MmdbGeoLookup(Reader primary, Reader ipv6) {
    this.primary = primary;
    this.ipv6 = ipv6;
  }

  /** The country database bundled in the jar (see {@code geoip/README.md} beside it for its source and licence). */
  public static final String BUNDLED = "geoip/geo-whois-asn-country.mmdb";

  /** Opens the bundled country database into memory (blocking; at start-up; about 8 MB of heap). */
  public static MmdbGeoLookup openBundled() {
    try (InputStream in = MmdbGeoLookup.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BUNDLED);
      }
      return new MmdbGeoLookup(new Reader(in, new CHMCache()), null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled GeoIP database: " + e.getMessage(), e);
    }
  }

  /** Opens the databases (blocking; at start-up). */
  public static MmdbGeoLookup open(Path database, Optional<Path> ipv6Database) {
    try {
      Reader primary = new Reader(database.toFile(), new CHMCache());
      Reader v6 = ipv6Database.isPresent() ? new Reader(ipv6Database.get().toFile(), new CHMCache()) : null;
      return new MmdbGeoLookup(primary, v6);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open GeoIP database: " + e.getMessage(), e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public GeoLocation locate(byte[] address) {
    if (address == null) {
      return GeoLocation.UNKNOWN;
    }
    Reader reader = address.length == 16 && ipv6 != null ? ipv6 : primary;
    try {
      Map<String, Object> record = reader.get(IpAddresses.toInet(address), Map.class);
      return record == null ? GeoLocation.UNKNOWN : fromRecord(record);
    } catch (IOException | RuntimeException e) {
      return GeoLocation.UNKNOWN;
    }
  }

  @SuppressWarnings("unchecked")
  static GeoLocation fromRecord(Map<String, Object> r) {
    if (r.containsKey("country_code")) { // DB-IP lite / ip-location-db flat schema
      return new GeoLocation(country(r.get("country_code")), text(r.get("state1")), text(r.get("city")));
    }
    String country = null;
    Object c = r.get("country");
    if (c instanceof Map<?, ?> cm) {
      country = country(cm.get("iso_code"));
    }
    String region = null;
    Object subs = r.get("subdivisions");
    if (subs instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
      String code = text(first.get("iso_code"));
      region = code != null && country != null ? country + "-" + code : englishName(first);
    }
    String city = null;
    Object ci = r.get("city");
    if (ci instanceof Map<?, ?> cityMap) {
      city = englishName(cityMap);
    }
    return new GeoLocation(country, region, city);
  }

  private static String englishName(Map<?, ?> m) {
    Object names = m.get("names");
    return names instanceof Map<?, ?> n ? text(n.get("en")) : null;
  }

  private static String country(Object v) {
    String s = text(v);
    return s != null && s.length() == 2 ? s.toUpperCase(Locale.ROOT) : null;
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  /** When the (primary) database was built, from its metadata. */
  public Instant buildTime() {
    return primary.getMetadata().buildTime();
  }

  /** The database's own type name, e.g. {@code GeoLite2-City}. */
  public String databaseType() {
    return primary.getMetadata().databaseType();
  }

  @Override
  public void close() throws IOException {
    primary.close();
    if (ipv6 != null) {
      ipv6.close();
    }
  }
}
