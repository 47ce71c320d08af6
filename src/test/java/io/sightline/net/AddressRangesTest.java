package io.sightline.net;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressRangesTest {
  private final AddressRanges ranges = AddressRanges.parse(List.of(
      "34.64.0.0/10", "34.80.0.0/12", // nested: one range
      "3.5.140.0/22", "203.0.113.7", "0.0.0.0/32",
      "2600:1f00::/24", "2a05:d000::/25", "2001:db8::1/128"));

  @Test
  void findsAddressesInsideEveryNetworkAndNoneOutside() {
    assertTrue(ranges.contains(IpAddresses.literal("34.64.0.0")));
    assertTrue(ranges.contains(IpAddresses.literal("34.127.255.255")));
    assertTrue(ranges.contains(IpAddresses.literal("34.90.1.1")));
    assertFalse(ranges.contains(IpAddresses.literal("34.128.0.0")));
    assertFalse(ranges.contains(IpAddresses.literal("34.63.255.255")));
    assertTrue(ranges.contains(IpAddresses.literal("3.5.143.255")));
    assertFalse(ranges.contains(IpAddresses.literal("3.5.144.0")));
    assertTrue(ranges.contains(IpAddresses.literal("203.0.113.7")));
    assertFalse(ranges.contains(IpAddresses.literal("203.0.113.8")));
    assertTrue(ranges.contains(IpAddresses.literal("0.0.0.0")));
    assertFalse(ranges.contains(IpAddresses.literal("255.255.255.255")));
    assertTrue(ranges.contains(IpAddresses.literal("2600:1fff:ffff:ffff:ffff:ffff:ffff:ffff")));
    assertFalse(ranges.contains(IpAddresses.literal("2601::")));
    assertTrue(ranges.contains(IpAddresses.literal("2a05:d07f::1")));
    assertFalse(ranges.contains(IpAddresses.literal("2a05:d080::")));
    assertTrue(ranges.contains(IpAddresses.literal("2001:db8::1")));
    assertFalse(ranges.contains(IpAddresses.literal("2001:db8::2")));
    assertFalse(ranges.contains(null));
    assertFalse(AddressRanges.EMPTY.contains(IpAddresses.literal("34.64.0.1")));
  }

  @Test
  void refusesWhatIsNotANetwork() {
    assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse(List.of("34.64.0.0/33")));
    assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse(List.of("aws.example")));
  }
}
