package io.sightline.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which member owns each visitor partition: rendezvous (highest random weight) hashing over the members' ids, so every member
 * computes the same owners from the same membership, and a member that joins or leaves moves only the partitions it takes or
 * held (about 1/n of them), not a reshuffle of all.
 */
final class PartitionAssignment {
  private PartitionAssignment() {
  }

  /** The owner of each of {@code partitions} among {@code members} (null entries when there are no members). */
  static String[] owners(List<String> members, int partitions) {
    String[] owners = new String[partitions];
    long[] seeds = new long[members.size()];
    for (int m = 0; m < members.size(); m++) {
      seeds[m] = fnv(members.get(m));
    }
    for (int p = 0; p < partitions; p++) {
      long best = Long.MIN_VALUE;
      for (int m = 0; m < members.size(); m++) {
        long weight = mix(seeds[m] ^ (p * 0x9E3779B97F4A7C15L));
        // ties (practically never) go to the smaller id, the same on every member
        if (owners[p] == null || weight > best || weight == best && members.get(m).compareTo(owners[p]) < 0) {
          best = weight;
          owners[p] = members.get(m);
        }
      }
    }
    return owners;
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser: a well-spread 64-bit weight. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
