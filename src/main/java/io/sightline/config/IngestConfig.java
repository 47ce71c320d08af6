package io.sightline.config;

import io.sightline.net.AddressRanges;
import io.sightline.net.CidrSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How beacons are accepted and enriched. Files are read once at start; paths are optional.
 *
 * @param trustedProxies            peers whose X-Forwarded-For/Forwarded headers are believed
 * @param excludedIps               visitors never counted (office, monitoring)
 * @param respectGpc                drop requests with {@code Sec-GPC: 1} (DNT: 1 is always dropped)
 * @param keylessRateLimitPerMinute beacons per client IP per minute on the keyless (tracker) path; excess is dropped and still answered with success
 * @param maxBatchEvents            events per {@code /api/event/batch} request
 * @param backfillDays              how far in the past a server-side {@code timestamp} may be
 * @param maxSessionsInMemory       beyond this many open sessions the least recently active are forgotten early (their visitors' next event opens a new session)
 * @param monthlyEventQuota         events each site may store per calendar month (its time zone); 0 = unlimited; beyond it events are dropped with reason {@code quota}
 * @param cdnCountryHeader          a header set by a trusted CDN with the visitor's country (e.g. CF-IPCountry); empty = none
 * @param eventIdsInMemory          client event ids whose answers a node keeps in memory (copies of older ones are found by the database)
 * @param geoipBundled              without {@code geoipDatabase}, use the country database bundled in the jar
 * @param geoipUpdateUrl            where {@code sightline data update} fetches a newer GeoIP database (never the server)
 * @param botAllowFile              regexes of User-Agents never dropped as bots by their User-Agent
 * @param datacenterIps             networks whose visitors are dropped as bots (read from {@code datacenterIpsFile}); empty by default
 */
public record IngestConfig(CidrSet trustedProxies, CidrSet excludedIps, boolean respectGpc, int keylessRateLimitPerMinute,
                           int maxBatchEvents, int backfillDays, int userAgentCacheSize, int maxSessionsInMemory, Optional<Path> geoipDatabase,
                           Optional<Path> geoipDatabaseV6, Optional<String> cdnCountryHeader, Optional<Path> botPatternsFile,
                           Optional<Path> spamReferrersFile, Optional<Path> referrersFile, List<String> extraClickIdParams,
                           long monthlyEventQuota, int eventIdsInMemory, boolean geoipBundled, Optional<String> geoipUpdateUrl,
                           Optional<Path> botAllowFile, AddressRanges datacenterIps) {
  /** How long a client event id is recognised: the backfill window and a day (a copy older than that is stored again). */
  public java.time.Duration eventIdWindow() {
    return java.time.Duration.ofDays(backfillDays + 1L);
  }
}
