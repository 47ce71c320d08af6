package io.sightline.ingest.net;

import io.sightline.net.CidrSet;
import io.sightline.net.ClientIpResolver;
import io.sightline.net.IpAddresses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIpResolverTest {
  private final ClientIpResolver resolver = new ClientIpResolver(CidrSet.parse("127.0.0.0/8,::1/128,10.0.0.0/8,fc00::/7"));

  private static byte[] ip(String s) {
    return IpAddresses.literal(s);
  }

  @Test
  void ignoresForwardingHeadersFromAnUntrustedPeer() {
    assertArrayEquals(ip("203.0.113.9"), resolver.resolve("203.0.113.9", "1.2.3.4", "for=5.6.7.8"));
  }

  @Test
  void takesTheNearestUntrustedHopBehindTrustedProxies() {
    assertArrayEquals(ip("198.51.100.7"), resolver.resolve("10.0.0.2", "198.51.100.7", null));
    // a client-supplied first entry cannot win: the proxy appended the real peer after it
    assertArrayEquals(ip("198.51.100.7"), resolver.resolve("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.5", null));
    assertArrayEquals(ip("2001:db8::1"), resolver.resolve("::1", "[2001:db8::1]:4711", null));
    assertArrayEquals(ip("198.51.100.8"), resolver.resolve("127.0.0.1", "198.51.100.8:5123", null));
  }

  @Test
  void readsTheStandardForwardedHeader() {
    assertArrayEquals(ip("192.0.2.60"), resolver.resolve("127.0.0.1", null, "for=192.0.2.60;proto=http;by=203.0.113.43"));
    assertArrayEquals(ip("2001:db8:cafe::17"), resolver.resolve("127.0.0.1", null, "For=\"[2001:db8:cafe::17]:4711\""));
  }

  @Test
  void fallsBackToTheProxyWhenHeadersAreMissingOrGarbage() {
    assertArrayEquals(ip("10.0.0.2"), resolver.resolve("10.0.0.2", null, null));
    assertArrayEquals(ip("10.0.0.2"), resolver.resolve("10.0.0.2", "not-an-ip", null));
    assertNull(resolver.resolve(null, "1.2.3.4", null));
  }

  @Test
  void matchesNetworksOfBothFamiliesAndNeverResolvesNames() {
    CidrSet set = CidrSet.parse("192.168.0.0/16, 2001:db8::/32, 203.0.113.5");
    assertTrue(set.contains(ip("192.168.44.1")));
    assertFalse(set.contains(ip("192.169.0.1")));
    assertTrue(set.contains(ip("2001:db8:ffff::1")));
    assertTrue(set.contains(ip("::ffff:192.168.1.1")), "IPv4-mapped IPv6 is IPv4");
    assertTrue(set.contains(ip("203.0.113.5")));
    assertFalse(set.contains(ip("203.0.113.6")));
    assertNull(IpAddresses.literal("localhost"));
    assertNull(IpAddresses.literal("example.com"));
    assertNull(IpAddresses.literal("999.1.1.1"));
    assertThrows(IllegalArgumentException.class, () -> CidrSet.parse("10.0.0.0/33"));
  }
}
