package io.sightline.ingest.enrich;

import java.nio.file.Path;
import java.util.Optional;

/** Referrer-spam hosts: a small built-in set plus the operator's file (one host per line). */
public final class SpamReferrers {
  private final HostSuffixMap<Boolean> hosts = new HostSuffixMap<>();

  private SpamReferrers() {
  }

  public static SpamReferrers load(Optional<Path> operatorFile) {
    SpamReferrers s = new SpamReferrers();
    for (String line : ListFiles.lines("referrers/spam.txt", operatorFile)) {
      s.hosts.put(line, Boolean.TRUE);
    }
    return s;
  }

  public boolean isSpam(String host) {
    return hosts.find(host).isPresent();
  }
}
