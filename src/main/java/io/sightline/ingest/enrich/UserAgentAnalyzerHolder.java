package io.sightline.ingest.enrich;

import nl.basjes.parse.useragent.UserAgentAnalyzer;

/** One YAUAA analyser per process (it takes ~3 s and ~100 MB to build): built on first use, from a plain thread. */
public final class UserAgentAnalyzerHolder {
  private static volatile UserAgentAnalyzer analyzer;

  private UserAgentAnalyzerHolder() {
  }

  public static UserAgentAnalyzer get() {
    UserAgentAnalyzer a = analyzer;
    if (a == null) {
      synchronized (UserAgentAnalyzerHolder.class) {
        a = analyzer;
        if (a == null) {
          a = UserAgents.newAnalyzer();
          analyzer = a;
        }
      }
    }
    return a;
  }
}
