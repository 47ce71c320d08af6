package io.sightline.ingest.enrich;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Sightline's curated referrer hosts (name and category), plus the operator's own list. */
public final class Referrers {
  private final HostSuffixMap<KnownSource> hosts = new HostSuffixMap<>();
  /** A known source's name → its main domain (the first host listed for it). */
  private final Map<String, String> domains = new HashMap<>();

  private Referrers() {
  }

  public static Referrers load(Optional<Path> operatorFile) {
    Referrers r = new Referrers();
    for (String line : ListFiles.lines("referrers/referrers.tsv", operatorFile)) {
      String[] parts = line.split("\t");
      if (parts.length != 3) {
        throw new IllegalArgumentException("referrer list line must be host<TAB>name<TAB>category: " + line);
      }
      r.hosts.put(parts[0], new KnownSource(parts[1].trim(), SourceCategory.parse(parts[2])));
      String host = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
      r.domains.putIfAbsent(parts[1].trim(), host.endsWith(".*") ? host.substring(0, host.length() - 2) + ".com" : host);
    }
    return r;
  }

  public Optional<KnownSource> lookup(String host) {
    return hosts.find(host);
  }

  /**
   * The main domain of a known source's name, for APIs that name referrers by domain: the first host
   * the list gives that name ({@code google.*} reads {@code google.com}); empty for a name it does not know.
   */
  public Optional<String> domain(String name) {
    return Optional.ofNullable(domains.get(name));
  }

  /** A known source by its name or host as people write it in {@code utm_source} ("google", "Facebook", "t.co"). */
  public Optional<KnownSource> lookupName(String utmSource) {
    String s = utmSource.trim().toLowerCase(java.util.Locale.ROOT);
    Optional<KnownSource> byHost = hosts.find(s.contains(".") ? s : s + ".com");
    return byHost.filter(k -> k.name().equalsIgnoreCase(s) || s.contains("."));
  }
}
