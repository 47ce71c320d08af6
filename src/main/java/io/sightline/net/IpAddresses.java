package io.sightline.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literals without DNS: parsing never resolves a name (no blocking lookups on an event loop). */
public final class IpAddresses {
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");

  private IpAddresses() {
  }

  /** The address bytes (4 or 16; IPv4-mapped IPv6 becomes 4), or null if not an IP literal. */
  public static byte[] literal(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    if (t.indexOf(':') < 0) {
      return ipv4(t);
    }
    if (t.indexOf(':') < 0 || !IPV6_CHARS.matcher(t).matches()) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(t); // a validated IPv6 literal: no lookup happens
      byte[] b = address.getAddress();
      if (address instanceof Inet6Address && isV4Mapped(b)) {
        return new byte[] {b[12], b[13], b[14], b[15]};
      }
      return b;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** A dotted quad of 1-3 decimal digits each, at most 255 (what the pattern {@code \\d{1,3}(\\.\\d{1,3}){3}} allowed), or null. */
  private static byte[] ipv4(String t) {
    byte[] b = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0, n = t.length(); i < n; i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (++digits > 3) {
          return null;
        }
      } else if (c == '.' && digits > 0 && part < 3) {
        if (value > 255) {
          return null;
        }
        b[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (part != 3 || digits == 0 || value > 255) {
      return null;
    }
    b[3] = (byte) value;
    return b;
  }

  public static InetAddress toInet(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
  }
}
