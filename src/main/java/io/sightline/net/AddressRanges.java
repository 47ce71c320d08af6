package io.sightline.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A large set of networks (thousands of CIDRs, such as data-centre ranges) as sorted, merged
 * address ranges: {@link #contains} is a binary search, no allocation. IPv4 and IPv6 are kept
 * apart; an IPv6 address is compared by its two 64-bit halves, unsigned.
 */
public final class AddressRanges {
  public static final AddressRanges EMPTY = of(List.of());

  private final long[] v4Start;
  private final long[] v4End;
  private final long[] v6StartHi;
  private final long[] v6StartLo;
  private final long[] v6EndHi;
  private final long[] v6EndLo;

  private AddressRanges(long[] v4Start, long[] v4End, long[] v6StartHi, long[] v6StartLo, long[] v6EndHi, long[] v6EndLo) {
    this.v4Start = v4Start;
    this.v4End = v4End;
    this.v6StartHi = v6StartHi;
    this.v6StartLo = v6StartLo;
    this.v6EndHi = v6EndHi;
    this.v6EndLo = v6EndLo;
  }

  /** The networks, in any order, overlapping or not. */
  public static AddressRanges of(List<Cidr> networks) {
    List<long[]> v4 = new ArrayList<>();
    List<long[]> v6 = new ArrayList<>();
    for (Cidr c : networks) {
      byte[] n = c.network();
      if (n.length == 4) {
        long start = half(n, 0, 4);
        long size = 1L << (32 - c.prefix());
        v4.add(new long[] {start, start + size - 1});
      } else {
        long hi = half(n, 0, 8);
        long lo = half(n, 8, 8);
        int p = c.prefix();
        long endHi = p >= 64 ? hi : hi | (p == 0 ? -1L : (-1L >>> p));
        long endLo = p >= 64 ? lo | (p == 128 ? 0 : (-1L >>> (p - 64))) : -1L;
        v6.add(new long[] {hi, lo, endHi, endLo});
      }
    }
    v4.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> m4 = new ArrayList<>();
    for (long[] r : v4) {
      long[] last = m4.isEmpty() ? null : m4.get(m4.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        m4.add(r.clone());
      }
    }
    v6.sort((a, b) -> a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compareUnsigned(a[1], b[1]));
    List<long[]> m6 = new ArrayList<>();
    for (long[] r : v6) {
      long[] last = m6.isEmpty() ? null : m6.get(m6.size() - 1);
      if (last != null && compare(r[0], r[1], last[2], last[3]) <= 0) { // overlaps (CIDRs nest or are apart)
        if (compare(r[2], r[3], last[2], last[3]) > 0) {
          last[2] = r[2];
          last[3] = r[3];
        }
      } else {
        m6.add(r.clone());
      }
    }
    return new AddressRanges(m4.stream().mapToLong(r -> r[0]).toArray(), m4.stream().mapToLong(r -> r[1]).toArray(),
        m6.stream().mapToLong(r -> r[0]).toArray(), m6.stream().mapToLong(r -> r[1]).toArray(),
        m6.stream().mapToLong(r -> r[2]).toArray(), m6.stream().mapToLong(r -> r[3]).toArray());
  }

  /** Parses one network a line (blank lines and {@code #} comments skipped); a bad line fails, named in the message. */
  public static AddressRanges parse(List<String> lines) {
    List<Cidr> networks = new ArrayList<>(lines.size());
    for (String line : lines) {
      networks.add(Cidr.parse(line));
    }
    return of(networks);
  }

  public boolean contains(byte[] address) {
    if (address == null) {
      return false;
    }
    if (address.length == 4) {
      long a = half(address, 0, 4);
      int i = Arrays.binarySearch(v4Start, a);
      int at = i >= 0 ? i : -i - 2; // the last range starting at or before a
      return at >= 0 && a <= v4End[at];
    }
    if (address.length != 16) {
      return false;
    }
    long hi = half(address, 0, 8);
    long lo = half(address, 8, 8);
    int low = 0;
    int high = v6StartHi.length - 1;
    int at = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (compare(v6StartHi[mid], v6StartLo[mid], hi, lo) <= 0) {
        at = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return at >= 0 && compare(hi, lo, v6EndHi[at], v6EndLo[at]) <= 0;
  }

  public boolean isEmpty() {
    return v4Start.length == 0 && v6StartHi.length == 0;
  }

  /** Networks after merging (for the start-up log). */
  public int size() {
    return v4Start.length + v6StartHi.length;
  }

  private static int compare(long hiA, long loA, long hiB, long loB) {
    int c = Long.compareUnsigned(hiA, hiB);
    return c != 0 ? c : Long.compareUnsigned(loA, loB);
  }

  private static long half(byte[] b, int from, int length) {
    long v = 0;
    for (int i = from; i < from + length; i++) {
      v = v << 8 | (b[i] & 0xFF);
    }
    return v;
  }
}
