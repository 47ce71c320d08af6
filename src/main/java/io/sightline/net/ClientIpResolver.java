package io.sightline.net;

import java.util.List;

/**
 * The visitor's address: the socket's, unless the socket belongs to a trusted proxy; then the
 * nearest untrusted address in {@code X-Forwarded-For} (read right to left, skipping trusted
 * proxies), else the RFC 7239 {@code Forwarded: for=}. Headers from an untrusted peer are ignored,
 * so a client cannot choose its own address.
 */
public final class ClientIpResolver {
  private final CidrSet trusted;

  public ClientIpResolver(CidrSet trusted) {
    this.trusted = trusted;
  }

  /** @return the client address bytes, or null when even the socket address is unknown */
  public byte[] resolve(String socketAddress, String xForwardedFor, String forwarded) {
    byte[] socket = IpAddresses.literal(socketAddress);
    if (socket == null || !trusted.contains(socket)) {
      return socket;
    }
    byte[] fromXff = nearestUntrusted(xForwardedFor == null ? List.of() : List.of(xForwardedFor.split(",")));
    if (fromXff != null) {
      return fromXff;
    }
    byte[] fromForwarded = nearestUntrusted(forwardedFor(forwarded));
    return fromForwarded != null ? fromForwarded : socket;
  }

  private byte[] nearestUntrusted(List<String> hops) {
    byte[] last = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = IpAddresses.literal(stripPort(hops.get(i).trim()));
      if (hop == null) {
        return last; // garbage: stop at the last address we could read
      }
      last = hop;
      if (!trusted.contains(hop)) {
        return hop;
      }
    }
    return last;
  }

  private static List<String> forwardedFor(String header) {
    if (header == null) {
      return List.of();
    }
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (String element : header.split(",")) {
      for (String pair : element.split(";")) {
        String p = pair.trim();
        if (p.regionMatches(true, 0, "for=", 0, 4)) {
          out.add(p.substring(4).replace("\"", ""));
        }
      }
    }
    return out;
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon); // IPv4 with a port
    }
    return hop;
  }
}
