package io.sightline.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** IP literals as the client address resolver reads them from headers and the connection. */
class IpAddressesTest {
  @Test
  void dottedQuadsAreParsedAndAnythingElseIsNot() {
    assertArrayEquals(new byte[] {(byte) 203, 0, 113, 7}, IpAddresses.literal("203.0.113.7"));
    assertArrayEquals(new byte[] {0, 0, 0, 0}, IpAddresses.literal(" 0.0.0.0 "));
    assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255}, IpAddresses.literal("255.255.255.255"));
    assertArrayEquals(new byte[] {10, 1, 2, 3}, IpAddresses.literal("010.001.002.003"), "leading zeros, three digits at most");
    for (String bad : new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4a", "1234.1.1.1",
        "0001.1.1.1", "localhost", "", "1.2.3.-4", "１.2.3.4"}) {
      assertNull(IpAddresses.literal(bad), bad);
    }
  }

  @Test
  void ipv6LiteralsAndV4MappedOnes() {
    assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, IpAddresses.literal("::ffff:192.0.2.1"));
    assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, IpAddresses.literal("[2001:db8::1]"));
    assertArrayEquals(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, IpAddresses.literal("fe80::1%eth0"));
    assertNull(IpAddresses.literal("2001:db8::g"));
  }
}
